/** An MO service (Kannel's `sms-service` group): incoming messages whose first word matches go to its URL. */
export interface Service {
  readonly name: string;
  /** Lower-case first word to match; `default` catches what nothing else matches. */
  readonly keyword: string;
  readonly aliases: readonly string[];
  /** GET this URL (Kannel escape codes filled in), or POST the text to postUrl. */
  readonly getUrl: string | undefined;
  readonly postUrl: string | undefined;
  /** Only MO from these smsc-ids; empty: from any. */
  readonly acceptedSmsc: readonly string[];
}
