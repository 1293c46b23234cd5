/**
 * A caption track's language as a BCP 47 tag (RFC 5646), in its conventional case: language
 * lower (`pt`), script title (`Hant`), region upper (`BR`), e.g. `pt-BR`, `zh-Hant-TW`, `es-419`.
 * Only the common shape is accepted — language (2–3 letters), optional script, optional region,
 * optional variants — which is what a caption menu needs; null for anything else.
 */
const TAG = /^([a-z]{2,3})(?:-([a-z]{4}))?(?:-([a-z]{2}|\d{3}))?((?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*)$/i;

export function canonicalLanguageTag(raw: string): string | null {
  const match = TAG.exec(raw.trim());
  if (!match) return null;
  const [, language, script, region, variants] = match;
  return [
    language!.toLowerCase(),
    script ? script[0]!.toUpperCase() + script.slice(1).toLowerCase() : null,
    region ? region.toUpperCase() : null,
    variants ? variants.slice(1).toLowerCase() : null,
  ].filter(Boolean).join('-');
}
