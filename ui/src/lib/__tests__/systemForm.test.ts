import { describe, expect, it } from "vitest";
import type { ExternalSystem } from "../../types";
import {
  formValuesFromSystem,
  isEmptyPatch,
  isJsonObjectText,
  isValidHttpUrl,
  toNewSystem,
  toPatch,
} from "../systemForm";

const sys: ExternalSystem = {
  id: "s1",
  name: "美团POS系统",
  type: "pos",
  provider: "Meituan",
  version: null,
  status: "active",
  store_id: "store-001",
  api_endpoint: "http://127.0.0.1:1/pos",
  webhook_url: null,
  config: { a: 1 },
  sync_enabled: true,
  sync_interval: 300,
  last_sync_at: null,
  last_sync_status: null,
  secret_fields: ["api_key"],
  last_test_at: null,
  last_test_latency_ms: null,
  last_test_error_class: null,
  last_test_message: null,
  created_at: "2024-01-01T00:00:00Z",
  updated_at: "2024-01-01T00:00:00Z",
};

describe("system form conversions", () => {
  it("builds a NewSystem with write-only secrets and nulls for empty optionals", () => {
    const input = toNewSystem({
      name: " POS ",
      type: "pos",
      provider: "Meituan",
      version: "",
      store_id: "store-001",
      api_endpoint: "http://127.0.0.1:8080/pos",
      webhook_url: "",
      api_key: "secret",
      sync_enabled: true,
      sync_interval: 300,
      config: "",
    });
    expect(input).toMatchObject({
      name: "POS",
      version: null,
      webhook_url: null,
      config: null,
      secrets: { api_key: "secret" },
    });
  });

  it("sends only changed fields in a patch; an empty key box keeps the saved key", () => {
    const values = { ...formValuesFromSystem(sys), sync_interval: 600 };
    const patch = toPatch(sys, values, []);
    expect(patch.sync_interval).toBe(600);
    expect(patch.name).toBeNull();
    expect(patch.config).toBeNull();
    expect(patch.secrets).toEqual({});
    expect(patch.clear_secrets).toEqual([]);
    expect(isEmptyPatch(toPatch(sys, formValuesFromSystem(sys), []))).toBe(true);
  });

  it("clears optional text with an empty string and secrets via clear_secrets", () => {
    const values = { ...formValuesFromSystem(sys), store_id: "" };
    const patch = toPatch(sys, values, ["api_key"]);
    expect(patch.store_id).toBe("");
    expect(patch.clear_secrets).toEqual(["api_key"]);
  });

  it("validates config JSON objects and URLs", () => {
    expect(isJsonObjectText("")).toBe(true);
    expect(isJsonObjectText('{"a":1}')).toBe(true);
    expect(isJsonObjectText("[1]")).toBe(false);
    expect(isJsonObjectText("{oops")).toBe(false);
    expect(isValidHttpUrl("http://127.0.0.1:1234/pos")).toBe(true);
    expect(isValidHttpUrl("ftp://x")).toBe(false);
  });
});
