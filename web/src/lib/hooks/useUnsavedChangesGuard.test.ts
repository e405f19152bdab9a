import { describe, expect, it, vi } from "vitest";
import { LEAVE_MESSAGE, createHistoryGuard, type HistoryGuardWindow } from "./useUnsavedChangesGuard";

type Listener = (e: Event) => void;

/** A window with just a history and popstate listeners, run in the order they were added. */
class FakeWindow implements HistoryGuardWindow {
  location = { href: "" };
  pushed: { state: unknown; url: string }[] = [];
  history = {
    state: null as unknown,
    pushState: (state: unknown, _unused: string, url?: string | URL | null) => {
      this.pushed.push({ state, url: String(url) });
      this.history.state = state;
      this.location.href = String(url);
    },
  };
  private listeners: Listener[] = [];

  constructor(href: string, state: unknown) {
    this.location.href = href;
    this.history.state = state;
  }
  addEventListener(_type: "popstate", fn: Listener) {
    this.listeners.push(fn);
  }
  removeEventListener(_type: "popstate", fn: Listener) {
    this.listeners = this.listeners.filter((l) => l !== fn);
  }
  get listenerCount() {
    return this.listeners.length;
  }
  /** Back or Forward: the browser shows the other entry first, then fires popstate. */
  traverse(href: string, state: unknown) {
    this.location.href = href;
    this.history.state = state;
    const event = new Event("popstate");
    let stopped = false;
    event.stopImmediatePropagation = () => {
      stopped = true;
    };
    for (const l of [...this.listeners]) {
      if (stopped) break;
      l(event);
    }
  }
}

const FORM = "http://dash.test/products/p1/edit";
const FORM_STATE = { __NA: true, tree: "edit" };
const DETAIL = "http://dash.test/products/p1";
const DETAIL_STATE = { __NA: true, tree: "detail" };

/**
 * A window on the form: the guard installed at page load, then the router's popstate listener
 * (as the App Router adds it in an effect, after the modules ran), then the form armed the guard.
 */
function setUp(confirm: (m: string) => boolean) {
  const win = new FakeWindow(FORM, FORM_STATE);
  const guard = createHistoryGuard(win, confirm);
  const routerSaw: string[] = [];
  win.addEventListener("popstate", () => routerSaw.push(win.location.href));
  return { win, guard, routerSaw, disarm: guard.arm() };
}

describe("history guard", () => {
  it("stays on the form when the user declines leaving with Back", () => {
    const confirm = vi.fn(() => false);
    const { win, routerSaw } = setUp(confirm);

    win.traverse(DETAIL, DETAIL_STATE);

    expect(confirm).toHaveBeenCalledExactlyOnceWith(LEAVE_MESSAGE);
    expect(routerSaw).toEqual([]); // the router never renders the other page
    expect(win.pushed).toEqual([{ state: FORM_STATE, url: FORM }]); // and the form's entry is back
    expect(win.location.href).toBe(FORM);
  });

  it("asks again on the next Back after a decline", () => {
    const confirm = vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true);
    const { win, routerSaw } = setUp(confirm);

    win.traverse(DETAIL, DETAIL_STATE);
    win.traverse(DETAIL, DETAIL_STATE);

    expect(confirm).toHaveBeenCalledTimes(2);
    expect(routerSaw).toEqual([DETAIL]);
    expect(win.pushed).toHaveLength(1);
  });

  it("lets the router navigate when the user accepts, and asks no more", () => {
    const confirm = vi.fn(() => true);
    const { win, routerSaw } = setUp(confirm);

    win.traverse(DETAIL, DETAIL_STATE);
    win.traverse(FORM, FORM_STATE); // Forward again before the form's cleanup ran

    expect(confirm).toHaveBeenCalledOnce();
    expect(routerSaw).toEqual([DETAIL, FORM]);
    expect(win.pushed).toEqual([]);
  });

  it("does not ask when only the #fragment changes", () => {
    const confirm = vi.fn(() => false);
    const { win, routerSaw } = setUp(confirm);

    win.traverse(`${FORM}#images`, FORM_STATE);

    expect(confirm).not.toHaveBeenCalled();
    expect(routerSaw).toEqual([`${FORM}#images`]);
  });

  it("asks nothing once disarmed (the form was saved or is clean again)", () => {
    const confirm = vi.fn(() => false);
    const { win, routerSaw, disarm } = setUp(confirm);
    disarm();

    win.traverse(DETAIL, DETAIL_STATE);

    expect(confirm).not.toHaveBeenCalled();
    expect(routerSaw).toEqual([DETAIL]);
  });

  it("is not disarmed by a form that was armed before the current one", () => {
    const confirm = vi.fn(() => false);
    const { win, guard, routerSaw, disarm: disarmOld } = setUp(confirm);
    guard.arm(); // e.g. the form remounted: the new one armed before the old one's cleanup ran
    disarmOld();

    win.traverse(DETAIL, DETAIL_STATE);

    expect(confirm).toHaveBeenCalledOnce();
    expect(routerSaw).toEqual([]);
  });

  it("removes its listener when disposed", () => {
    const { win, guard } = setUp(() => false);
    guard.dispose();
    expect(win.listenerCount).toBe(1); // only the router's
  });
});
