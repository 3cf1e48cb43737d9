import { getCurrentWindow } from "@tauri-apps/api/window";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { Providers } from "./Providers";
import "./styles.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Providers>
      <App />
    </Providers>
  </StrictMode>,
);

// The window starts hidden (src-tauri/tauri.conf.json) and is shown once the page has
// rendered: without compositing, WebKit otherwise may hold the app ~500 ms waiting for a
// first frame (docs/BENCHMARKS.md, "Cold start"). The app shows it anyway after 5 s.
if ("__TAURI_INTERNALS__" in window) {
  setTimeout(() => {
    // On failure the app's own deadline shows it.
    getCurrentWindow()
      .show()
      .catch(() => undefined);
  }, 0);
}
