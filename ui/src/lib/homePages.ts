// The two "home" pages, the dashboard and the front-desk board: the permission each needs to
// be listed, and which one a person lands on after signing in. The core checks the role
// again on every call; hiding only spares people a refusal.
import type { TKey } from "../i18n";
import type { Operation, Role } from "../types";

export type HomePageKey = "dashboard" | "front_desk";

export const HOME_PAGES: readonly { key: HomePageKey; label: TKey; requires: Operation }[] = [
  { key: "dashboard", label: "menu.dashboard", requires: "sync_logs_view" },
  // The board is for the people who move reservations on (floor staff and managers).
  { key: "front_desk", label: "menu.front_desk", requires: "reservations_update_status" },
];

export function isHomePage(key: string): key is HomePageKey {
  return HOME_PAGES.some((p) => p.key === key);
}

/** The home pages a person with these permissions may open, in menu order. */
export function visibleHomePages(ops: ReadonlySet<Operation> | undefined): HomePageKey[] {
  return HOME_PAGES.filter((p) => ops?.has(p.requires)).map((p) => p.key);
}

/** Managers land on the dashboard, floor staff on the board, everyone else on the systems. */
export function landingPage(role: Role): HomePageKey | "systems" {
  switch (role) {
    case "admin":
    case "store_manager":
      return "dashboard";
    case "floor_manager":
      return "front_desk";
    default:
      return "systems";
  }
}
