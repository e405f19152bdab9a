"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Field } from "@/components/Field";
import { Banner, describeError } from "@/components/states";
import { api } from "@/lib/api";
import { safeNext } from "@/lib/api/client";
import { isApiError } from "@/lib/api/envelope";
import { useSession } from "@/lib/auth/session";
import { validateLogin } from "@/lib/validation/user";
import styles from "./login.module.css";

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const next = safeNext(params.get("next"));
  const session = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);

  // Already signed in (the boot refresh found a session): go where the user was headed.
  useEffect(() => {
    if (session.status === "authenticated") router.replace(next);
  }, [session.status, next, router]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const v = validateLogin(email, password);
    setErrors(v);
    setFormError(null);
    if (Object.keys(v).length) return;
    setBusy(true);
    try {
      await api.login(email.trim(), password);
      router.replace(next);
    } catch (err) {
      setBusy(false);
      if (isApiError(err, "invalid_credentials")) setFormError("The email or the password is wrong.");
      else if (isApiError(err, "validation_failed")) setErrors(err.fieldErrors());
      else setFormError(describeError(err));
      emailRef.current?.focus();
    }
  }

  return (
    <main className={styles.page}>
      <form className={styles.card} onSubmit={submit} noValidate aria-labelledby="login-title">
        <div className={styles.brand}>
          <span className={styles.logo} aria-hidden="true">
            M
          </span>
          Mercato
        </div>
        <h1 id="login-title">Sign in</h1>
        <p className={styles.sub}>Catalog administration</p>
        {formError && <Banner tone="error">{formError}</Banner>}
        <Field label="Email" error={errors.email} required>
          <input
            ref={emailRef}
            type="email"
            name="email"
            autoComplete="username"
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label="Password" error={errors.password} required>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy || session.status === "authenticated"}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
