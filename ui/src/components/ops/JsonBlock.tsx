import { Typography } from "antd";

/** A JSON value (or a raw text body) shown pretty-printed, selectable. */
export function JsonBlock({ value, testId }: { value: unknown; testId?: string }) {
  let text: string;
  if (typeof value === "string") {
    // Raw bodies are usually JSON: pretty-print them when they parse.
    try {
      text = JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      text = value;
    }
  } else {
    text = JSON.stringify(value, null, 2);
  }
  return (
    <Typography.Paragraph
      data-testid={testId}
      copyable={{ text }}
      style={{ marginBottom: 0 }}
    >
      <pre
        style={{
          maxHeight: 320,
          overflow: "auto",
          margin: 0,
          padding: 8,
          background: "#fafafa",
          borderRadius: 6,
          fontSize: 12,
        }}
      >
        {text}
      </pre>
    </Typography.Paragraph>
  );
}
