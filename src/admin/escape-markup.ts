/**
 * Text made safe inside HTML and XML, in element content and in quoted attribute values alike. Link ids, SMSC
 * reasons, message texts and addresses come from configuration files, SMSCs and clients: none of them may open a
 * tag or an entity on a status page. Five replacements cover both languages; a library would add a dependency for
 * one line (and most HTML escapers skip the apostrophe, which XML attributes in single quotes need).
 * Pure.
 */
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Characters XML 1.0 forbids anywhere (C0 controls but tab, LF and CR, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeMarkup(text: string): string {
  // An SMSC's reason or a message text may hold control characters: XML parsers refuse the whole document for one.
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
