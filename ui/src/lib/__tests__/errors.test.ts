import { describe, expect, it } from "vitest";
import { ApiError } from "../../api";
import { translate, type Lang, type TFunc } from "../../i18n";
import type { FieldError } from "../../types";
import { describeError, mapFieldErrors, systemFieldMapper, toAntdFields } from "../errors";

const tFor =
  (lang: Lang): TFunc =>
  (key, params) =>
    translate(lang, key, params);
const zhT = tFor("zh");
const enT = tFor("en");

const errors: FieldError[] = [
  { field: "name", rule: { code: "required" }, message: "name is required" },
  { field: "sync_interval", rule: { code: "out_of_range", min: 30, max: 86400 }, message: "x" },
  { field: "secrets.api_key", rule: { code: "too_long", max: 256 }, message: "x" },
  { field: "config.timeout_ms", rule: { code: "out_of_range", min: 1, max: 60000 }, message: "x" },
  { field: "config", rule: { code: "json" }, message: "x" },
  { field: "api_endpoint", rule: { code: "url" }, message: "x" },
  { field: "type", rule: { code: "one_of", allowed: ["pos", "erp"] }, message: "x" },
  { field: "status", rule: { code: "transition", from: "error", to: "testing" }, message: "x" },
  { field: "nonexistent", rule: { code: "unique" }, message: "x" },
];

describe("validation error → form field mapping", () => {
  it("maps core field paths to form fields with translated Chinese messages", () => {
    const { fields, unmatched } = mapFieldErrors(errors, systemFieldMapper, zhT);
    expect(fields.name).toEqual(["必填"]);
    expect(fields.sync_interval).toEqual(["须在 30 到 86400 之间"]);
    expect(fields.api_key).toEqual(["长度不能超过 256 个字符"]);
    expect(fields.config).toEqual(["timeout_ms: 须在 1 到 60000 之间", "须为有效的 JSON"]);
    expect(fields.api_endpoint).toEqual(["须为有效的 URL"]);
    expect(fields.type).toEqual(["须为以下之一：pos, erp"]);
    expect(fields.status).toEqual(["不允许从「error」变更为「testing」"]);
    expect(unmatched).toEqual(["nonexistent: 该值已存在"]);
  });

  it("translates into English", () => {
    const { fields } = mapFieldErrors(errors, systemFieldMapper, enT);
    expect(fields.sync_interval).toEqual(["Must be between 30 and 86400"]);
    expect(fields.name).toEqual(["Required"]);
  });

  it("deduplicates identical messages and produces antd setFields input", () => {
    const dup: FieldError[] = [
      { field: "name", rule: { code: "required" }, message: "a" },
      { field: "name", rule: { code: "required" }, message: "b" },
    ];
    const mapped = mapFieldErrors(dup, systemFieldMapper, zhT);
    expect(toAntdFields(mapped)).toEqual([{ name: "name", errors: ["必填"] }]);
  });

  it("describes each error kind", () => {
    expect(describeError(new ApiError({ kind: "bad_credentials" }), zhT).text).toBe("用户名或密码错误");
    const kc = describeError(
      new ApiError({ kind: "keychain", message: "no secret service", remedy: "install gnome-keyring" }),
      zhT,
    );
    expect(kc.text).toContain("no secret service");
    expect(kc.detail).toContain("install gnome-keyring");
    expect(
      describeError(new ApiError({ kind: "conflict", message: "dup", field: "name" }), zhT).text,
    ).toBe("同一门店下已存在同名系统");
    expect(
      describeError(
        new ApiError({ kind: "external", class: "timeout_error", retryable: true, message: "slow" }),
        zhT,
      ).text,
    ).toBe("外部系统错误（连接超时）：slow");
    expect(
      describeError(new ApiError({ kind: "forbidden", operation: "systems_create", role: "staff" }), zhT)
        .text,
    ).toContain("员工");
    expect(describeError(new Error("boom"), enT).text).toBe("Unknown error: boom");
  });
});
