/**
 * An MO service (Kannel's `sms-service` group): incoming messages whose first word matches go to it, and what it
 * answers goes back to the sender as an SMS.
 */
export interface Service {
  readonly name: string;
  /** Lower-case first word to match; `default` catches what nothing else matches. */
  readonly keyword: string;
  readonly aliases: readonly string[];
  /**
   * What the service does: exactly one of these is set, or smppAccount. GET getUrl (Kannel escape codes filled in),
   * POST the text to postUrl, or Kannel's XML document to postXml; answer with `text` (escape codes filled in), with
   * the content of `file`, or with what the shell command `exec` prints (only with mo.allow-exec).
   */
  readonly getUrl: string | undefined;
  readonly postUrl: string | undefined;
  readonly postXml?: string | undefined;
  readonly text?: string | undefined;
  readonly file?: string | undefined;
  readonly exec?: string | undefined;
  /** Only MO from these smsc-ids; empty: from any. */
  readonly acceptedSmsc: readonly string[];
  /** Only MO whose receiver starts with one of these; absent or empty: any receiver. */
  readonly receiverPrefix?: readonly string[];
  /** Instead of a URL: the account whose SMPP binds (receiver, transceiver) get these messages as deliver_sm. */
  readonly smppAccount?: string;
  /** Only MO received on binds with these system_ids (Kannel's account of an MO); empty: any. */
  readonly acceptedAccount?: readonly string[];
  /**
   * Take a keyword match whatever the number of words (Kannel's `catch-all`); without it the words after the keyword
   * must be as many as the `%s`/`%S` in the pattern (or more, with `%r` or `%a` in it). post-url and post-xml always
   * catch all, as in Kannel.
   */
  readonly catchAll?: boolean;
  /** post-url and post-xml send the text without its first word. */
  readonly stripKeyword?: boolean;
  /** Tell the service the MO's sender: X-Kannel-From on get-url, `<oa>` in post-xml (post-url always sends it). */
  readonly sendSender?: boolean;
  /** How the answer goes back; absent: Kannel's defaults (`defaultReplyOptions`). */
  readonly reply?: ReplyOptions;
}

/** The reply keys of an sms-service, with Kannel's meaning. */
export interface ReplyOptions {
  /** Most SMS one answer is sent in; the last takes what fits and the rest is dropped. 0: no answer is sent. */
  readonly maxMessages: number;
  /** An empty answer sends nothing (otherwise Kannel's "<Empty reply from service provider>"). */
  readonly omitEmpty: boolean;
  readonly header: string | undefined;
  readonly footer: string | undefined;
  /** An HTML answer is cut to what lies between the first `prefix` and the next `suffix` (both needed). */
  readonly prefix: string | undefined;
  readonly suffix: string | undefined;
  readonly splitChars: string | undefined;
  readonly splitSuffix: string | undefined;
  /** The pieces go as one concatenated message (true) or as separate SMS (false, Kannel's default). */
  readonly concatenation: boolean;
  /** Sender of every answer, instead of the number the MO was sent to. */
  readonly fakedSender: string | undefined;
  /** The service may set the answer's sender, receiver, smsc, coding, dlr-mask, dlr-url... with X-Kannel-* headers. */
  readonly acceptXKannelHeaders: boolean;
  /** An answer without a Content-Type counts as text/plain (otherwise it is not representable as an SMS). */
  readonly assumePlainText: boolean;
  /** Reports of the answer go here unless the service set X-Kannel-DLR-URL (Kannel's sms-service dlr-url), with dlrMask. */
  readonly dlrUrl?: string | undefined;
  readonly dlrMask?: number | undefined;
}

export const DEFAULT_REPLY_OPTIONS: ReplyOptions = {
  maxMessages: 1,
  omitEmpty: false,
  header: undefined,
  footer: undefined,
  prefix: undefined,
  suffix: undefined,
  splitChars: undefined,
  splitSuffix: undefined,
  concatenation: false,
  fakedSender: undefined,
  acceptXKannelHeaders: false,
  assumePlainText: false,
};

/** What kind of service it is, from the one action key set ('smpp': delivered to an SMPP client's binds). */
export type ServiceKind = 'get-url' | 'post-url' | 'post-xml' | 'text' | 'file' | 'exec' | 'smpp';

export function serviceKind(s: Service): ServiceKind {
  if (s.smppAccount !== undefined) return 'smpp';
  if (s.getUrl !== undefined) return 'get-url';
  if (s.postUrl !== undefined) return 'post-url';
  if (s.postXml !== undefined) return 'post-xml';
  if (s.file !== undefined) return 'file';
  if (s.text !== undefined) return 'text';
  return 'exec';
}

/** The template of the service's action (URL, text, file name or command). */
export function servicePattern(s: Service): string {
  return s.getUrl ?? s.postUrl ?? s.postXml ?? s.file ?? s.text ?? s.exec ?? '';
}

function occurrences(pattern: string, code: string): number {
  return pattern.split(code).length - 1;
}

/**
 * How many words after the keyword a keyword match may have (max: Infinity for any number), as Kannel's
 * check_num_args decides it: catch-all, post-url, post-xml (and an SMPP client, which gets the whole message) take
 * any; otherwise as many as the `%s`/`%S` of the pattern, or more when it also has `%r` or `%a`.
 */
export function wordsTaken(service: Service): { readonly min: number; readonly max: number } {
  const kind = serviceKind(service);
  if (service.catchAll === true || kind === 'post-url' || kind === 'post-xml' || kind === 'smpp')
    return { min: 0, max: Number.POSITIVE_INFINITY };
  const pattern = servicePattern(service);
  const args = occurrences(pattern, '%s') + occurrences(pattern, '%S');
  const rest = occurrences(pattern, '%r') + occurrences(pattern, '%a') > 0;
  return { min: args, max: rest ? Number.POSITIVE_INFINITY : args };
}
