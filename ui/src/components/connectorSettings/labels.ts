// Labels of the connector settings' fixed values, in the current language.
import { translateDynamic, type TFunc } from "../../i18n";
import type { FieldProblem, SampleSource } from "../../types";

export function strategyLabel(t: TFunc, strategy: string): string {
  return translateDynamic(t, `cs.strategy.${strategy}`, strategy);
}

export function strategyHint(t: TFunc, strategy: string): string {
  return translateDynamic(t, `cs.strategy_hint.${strategy}`, "");
}

export function schemeLabel(t: TFunc, scheme: string): string {
  return translateDynamic(t, `cs.scheme.${scheme}`, scheme);
}

export function problemLabel(t: TFunc, problem: FieldProblem): string {
  return translateDynamic(t, `cs.problem.${problem}`, problem);
}

export function sampleSourceLabel(t: TFunc, source: SampleSource): string {
  switch (source.kind) {
    case "stored":
      return t("cs.sample_stored", { event: source.event_type });
    case "shipped":
      return t("cs.sample_shipped");
    case "given":
      return t("cs.sample_given");
  }
}
