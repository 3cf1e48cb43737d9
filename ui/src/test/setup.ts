import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// antd renders slowly in jsdom on a busy 2-core machine; the 1 s default is too tight.
configure({ asyncUtilTimeout: 8000 });

afterEach(() => cleanup());

// jsdom lacks these browser APIs that antd relies on.
if (!window.matchMedia) {
  Object.defineProperty(window, "matchMedia", {
    writable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }),
  });
}

const realGetComputedStyle = window.getComputedStyle.bind(window);
// jsdom does not implement pseudo-element styles (rc-util asks for ::-webkit-scrollbar).
window.getComputedStyle = (elt: Element) => realGetComputedStyle(elt);
