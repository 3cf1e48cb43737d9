import { describe, expect, it } from "vitest";
import { ApiError } from "../../api";
import { translate, type Lang, type TFunc } from "../../i18n";
import type { FieldError, Rule } from "../../types";
import {
  describeError,
  listenerFieldMapper,
  mapFieldErrors,
  ruleMessage,
  systemFieldMapper,
  toAntdFields,
  tokenFieldMapper,
} from "../errors";

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
  {
    field: "status",
    rule: { code: "transition", from: "error", to: "testing", allowed: ["active", "inactive"] },
    message: "x",
  },
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
    expect(fields.status).toEqual(["不允许从「error」变更为「testing」，可变更为：active、inactive"]);
    expect(unmatched).toEqual(["nonexistent: 该值已存在"]);
  });

  it("translates into English", () => {
    const { fields } = mapFieldErrors(errors, systemFieldMapper, enT);
    expect(fields.sync_interval).toEqual(["Must be between 30 and 86400"]);
    expect(fields.name).toEqual(["Required"]);
    expect(fields.status).toEqual([
      "Cannot change from “error” to “testing”; allowed next: active, inactive",
    ]);
  });

  it("says a state with no allowed next state is final", () => {
    const rule: Rule = { code: "transition", from: "completed", to: "pending", allowed: [] };
    const zhText = ruleMessage(rule, zhT);
    expect(zhText).toBe("不允许从「completed」变更为「pending」：「completed」已是最终状态，不能再变更");
    expect(zhText).not.toContain("可变更为");
    expect(ruleMessage(rule, enT)).toBe(
      "Cannot change from “completed” to “pending”: “completed” is a final state",
    );
    expect(
      ruleMessage({ code: "transition", from: "pending", to: "seated", allowed: ["confirmed"] }, zhT),
    ).toBe("不允许从「pending」变更为「seated」，可变更为：confirmed");
  });

  it("maps listener and token fields by their own names", () => {
    const listener = mapFieldErrors(
      [
        { field: "port", rule: { code: "out_of_range", min: 1024, max: 65535 }, message: "x" },
        { field: "tls", rule: { code: "format", expected: "LAN mode on" }, message: "x" },
        { field: "bind", rule: { code: "required" }, message: "x" },
      ],
      listenerFieldMapper,
      zhT,
    );
    expect(listener.fields).toEqual({
      port: ["须在 1024 到 65535 之间"],
      tls: ["格式不正确，应为 LAN mode on"],
    });
    expect(listener.unmatched).toEqual(["bind: 必填"]);
    const token = mapFieldErrors(
      [
        { field: "name", rule: { code: "too_long", max: 64 }, message: "x" },
        { field: "rate_limit", rule: { code: "out_of_range", min: 1, max: 100000 }, message: "x" },
      ],
      tokenFieldMapper,
      zhT,
    );
    expect(token.fields).toEqual({
      name: ["长度不能超过 64 个字符"],
      rate_limit: ["须在 1 到 100000 之间"],
    });
    expect(token.unmatched).toEqual([]);
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

  it("describes a bad webhook signature with the core's message", () => {
    const e = new ApiError({ kind: "bad_signature", message: "timestamp outside tolerance" });
    expect(describeError(e, zhT)).toEqual({ text: "Webhook 签名校验失败：timestamp outside tolerance" });
    expect(describeError(e, enT).text).toBe(
      "Webhook signature check failed: timestamp outside tolerance",
    );
    expect(e.message).toBe("bad_signature: timestamp outside tolerance");
  });

  it("describes a rate limit with the seconds to wait", () => {
    const e = new ApiError({ kind: "rate_limited", retry_after_secs: 3 });
    expect(describeError(e, zhT)).toEqual({ text: "请求过于频繁，请 3 秒后重试" });
    expect(describeError(e, enT).text).toBe("Too many requests; retry in 3 s");
    expect(e.kind).toBe("rate_limited");
  });

  it("describes the new kinds when they arrive as plain objects (not ApiError)", () => {
    expect(describeError({ kind: "rate_limited", retry_after_secs: 10 }, zhT).text).toBe(
      "请求过于频繁，请 10 秒后重试",
    );
    expect(describeError({ kind: "bad_signature", message: "no secret" }, zhT).text).toBe(
      "Webhook 签名校验失败：no secret",
    );
  });
});
