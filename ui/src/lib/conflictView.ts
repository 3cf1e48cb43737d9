// The side-by-side rows of a conflict: every leaf field of either version, flattened as
// the core does (objects field by field, lists whole), marked where they differ.
import type { Conflict, ConflictSide, JsonValue } from "../types";

export type CompareRow = {
  path: string;
  local: JsonValue | undefined;
  remote: JsonValue | undefined;
  differs: boolean;
};

function flatten(prefix: string, value: JsonValue, out: Map<string, JsonValue>) {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length > 0) {
      for (const [k, v] of entries) flatten(prefix ? `${prefix}.${k}` : k, v, out);
      return;
    }
  }
  out.set(prefix, value);
}

export function compareRows(conflict: Conflict): CompareRow[] {
  const local = new Map<string, JsonValue>();
  const remote = new Map<string, JsonValue>();
  flatten("", conflict.target_data, local);
  flatten("", conflict.source_data, remote);
  // The core's list of differing fields decides; the flattening only adds the rest.
  const differing = new Set(conflict.fields.map((f) => f.path));
  const paths = [...new Set([...local.keys(), ...remote.keys(), ...differing])].sort();
  return paths.map((path) => ({
    path,
    local: local.get(path),
    remote: remote.get(path),
    differs: differing.has(path),
  }));
}

/** A choice for every differing field, local unless the person picks the vendor's. */
export function defaultChoices(conflict: Conflict): Record<string, ConflictSide> {
  return Object.fromEntries(conflict.fields.map((f) => [f.path, "local" as ConflictSide]));
}
