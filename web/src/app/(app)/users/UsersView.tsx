"use client";

import { useState, type FormEvent } from "react";
import { Field } from "@/components/Field";
import { Banner, EmptyState, ErrorState, Skeleton, describeError } from "@/components/states";
import { useToast } from "@/components/Toast";
import { isApiError } from "@/lib/api/envelope";
import { ROLES, type Role, type User } from "@/lib/api/types";
import { useCan, useSession } from "@/lib/auth/session";
import { formatDay } from "@/lib/format";
import { useUserActions, useUsers } from "@/lib/hooks/users";
import type { FieldErrors } from "@/lib/validation/rules";
import { validateUserForm, type UserFormValues } from "@/lib/validation/user";
import styles from "../admin.module.css";

const EMPTY: UserFormValues = { email: "", name: "", role: "viewer", password: "" };

function NewUserForm({ onCreate }: { onCreate: (v: UserFormValues) => Promise<void> }) {
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const v = validateUserForm(values);
    setErrors(v.errors);
    setMessage(null);
    if (!v.input) return;
    setBusy(true);
    try {
      await onCreate(values);
      setValues(EMPTY);
    } catch (err) {
      if (isApiError(err, "conflict")) setErrors({ email: "is already used by another user" });
      else if (isApiError(err, "validation_failed")) setErrors(err.fieldErrors());
      setMessage(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className={styles.inlineForm} onSubmit={submit} noValidate aria-labelledby="new-user">
      {message && <Banner tone="error">{message}</Banner>}
      <div className={styles.formRow}>
        <Field label="Email" error={errors.email} required>
          <input type="email" autoComplete="off" value={values.email} onChange={(e) => setValues({ ...values, email: e.target.value })} />
        </Field>
        <Field label="Name" error={errors.name}>
          <input type="text" value={values.name} onChange={(e) => setValues({ ...values, name: e.target.value })} />
        </Field>
        <Field label="Role" error={errors.role}>
          <select value={values.role} onChange={(e) => setValues({ ...values, role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Initial password" error={errors.password} required hint="At least 12 characters.">
          <input
            type="password"
            autoComplete="new-password"
            value={values.password}
            onChange={(e) => setValues({ ...values, password: e.target.value })}
          />
        </Field>
        <div className={styles.formButtons}>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? "Adding…" : "Add user"}
          </button>
        </div>
      </div>
    </form>
  );
}

export function UsersView() {
  const isAdmin = useCan("users:manage");
  const me = useSession().user;
  const [page, setPage] = useState(1);
  const { data, error, isLoading, mutate } = useUsers(page, isAdmin);
  const actions = useUserActions(page);
  const toast = useToast();

  if (!isAdmin)
    return (
      <EmptyState title="Admins only">
        <p>Managing users needs the admin role.</p>
      </EmptyState>
    );

  async function change(u: User, patch: { role?: Role; active?: boolean }, done: string) {
    try {
      await actions.update(u, patch);
      toast({ message: done, tone: "success" });
    } catch (e) {
      toast({
        message: isApiError(e, "conflict") ? "The last active admin cannot be demoted, deactivated or removed." : describeError(e),
        tone: "error",
      });
    }
  }

  async function remove(u: User) {
    if (!window.confirm(`Remove ${u.email}? They are signed out everywhere.`)) return;
    try {
      await actions.remove(u);
      toast({ message: `Removed ${u.email}.`, tone: "success" });
    } catch (e) {
      toast({
        message: isApiError(e, "conflict") ? "The last active admin cannot be removed." : describeError(e),
        tone: "error",
      });
    }
  }

  const users = data?.data ?? [];
  const totalPages = data?.meta?.total_pages ?? 1;
  return (
    <div className={styles.page}>
      <div className={styles.header}>
        <h1>Users and roles</h1>
      </div>
      <section className={styles.card}>
        <h2 id="new-user">Add a user</h2>
        <NewUserForm
          onCreate={async (v) => {
            const { input } = validateUserForm(v);
            const u = await actions.create(input!);
            toast({ message: `Added ${u.email} as ${u.role}.`, tone: "success" });
          }}
        />
      </section>
      {isLoading ? (
        <Skeleton rows={6} label="Loading users" />
      ) : error ? (
        <ErrorState error={error} onRetry={() => void mutate()} title="Could not load users" />
      ) : users.length === 0 ? (
        <EmptyState title="No users" />
      ) : (
        <>
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id} className={u.active ? undefined : styles.inactive}>
                    <td>
                      <div className={styles.strong}>{u.name || "—"}</div>
                      <div className={styles.muted}>{u.email}</div>
                    </td>
                    <td>
                      <label className="visually-hidden" htmlFor={`role-${u.id}`}>
                        Role of {u.email}
                      </label>
                      <select
                        id={`role-${u.id}`}
                        className={styles.small}
                        value={u.role}
                        disabled={u.id === me?.id}
                        title={u.id === me?.id ? "You cannot change your own role" : undefined}
                        onChange={(e) => void change(u, { role: e.target.value as Role }, `${u.email} is now ${e.target.value}.`)}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>{u.active ? "Active" : "Deactivated"}</td>
                    <td className={styles.muted}>{formatDay(u.created_at)}</td>
                    <td className={styles.actions}>
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() =>
                          void change(u, { active: !u.active }, `${u.email} ${u.active ? "deactivated" : "reactivated"}.`)
                        }
                        disabled={u.id === me?.id}
                      >
                        {u.active ? "Deactivate" : "Reactivate"}
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        onClick={() => void remove(u)}
                        disabled={u.id === me?.id}
                        aria-label={`Remove ${u.email}`}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {totalPages > 1 && (
            <nav className={styles.pager} aria-label="Pages">
              <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
                Previous
              </button>
              <span>
                Page {page} of {totalPages}
              </span>
              <button type="button" className="btn btn-small" disabled={page >= totalPages} onClick={() => setPage((p) => p + 1)}>
                Next
              </button>
            </nav>
          )}
        </>
      )}
    </div>
  );
}
