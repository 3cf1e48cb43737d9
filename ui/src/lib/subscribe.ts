// One way to listen to a typed Tauri event from the core for as long as a page or hook
// wants it, including when it stops wanting it before listening has even begun.

/** A typed event source of api.ts (live updates, notification events). */
export type EventSource<T> = { listen: (handler: (event: T) => void) => Promise<() => void> };

/**
 * Calls `handler` for each event until the returned function is called. Outside the
 * desktop shell (a plain browser, unit tests) listening is refused and nothing happens.
 */
export function subscribe<T>(source: EventSource<T>, handler: (event: T) => void): () => void {
  let stop: (() => void) | null = null;
  let disposed = false;
  source.listen(handler).then(
    (unlisten) => {
      if (disposed) unlisten();
      else stop = unlisten;
    },
    () => {},
  );
  return () => {
    disposed = true;
    stop?.();
  };
}
