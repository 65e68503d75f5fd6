// Labels for what a supervisor's audit trail says of a reveal: which field (by its reveal
// key: `applicant.<field>`, `doc.<i>.<field>`, `doc.<i>.mrz.<n>`, `check.<i>`).
import { t } from "../../lib/i18n/index.svelte";
import { label } from "../../lib/labels";

/** The reveal key as a label in the UI language; the key itself when it is not one of ours. */
export function revealedFieldLabel(key: string): string {
  const applicant = /^applicant\.([a-z0-9_]+)$/.exec(key);
  if (applicant) return label("field", applicant[1]);
  const doc = /^doc\.(\d+)\.([a-z0-9_]+)(?:\.\d+)?$/.exec(key);
  if (doc) return `${label("field", doc[2])} · ${t("sup.trail.document", { n: Number(doc[1]) + 1 })}`;
  const check = /^check\.(\d+)$/.exec(key);
  if (check) return t("sup.trail.check", { n: Number(check[1]) + 1 });
  return key;
}
