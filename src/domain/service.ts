/** An MO service (Kannel's `sms-service` group): incoming messages whose first word matches go to its URL. */
export interface Service {
  readonly name: string;
  /** Lower-case first word to match; `default` catches what nothing else matches. */
  readonly keyword: string;
  readonly aliases: readonly string[];
  /** GET this URL (Kannel escape codes filled in), or POST the text to postUrl (both unset with smppAccount). */
  readonly getUrl: string | undefined;
  readonly postUrl: string | undefined;
  /** Only MO from these smsc-ids; empty: from any. */
  readonly acceptedSmsc: readonly string[];
  /** Only MO whose receiver starts with one of these; absent or empty: any receiver. */
  readonly receiverPrefix?: readonly string[];
  /** Instead of a URL: the account whose SMPP binds (receiver, transceiver) get these messages as deliver_sm. */
  readonly smppAccount?: string;
}
