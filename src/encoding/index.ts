export type { Alphabet, DcsAlphabet } from './alphabet.js';
export { gsm7Decode, gsm7Encode, gsm7Length, isGsm7, GSM7_ESCAPE, type Gsm7EncodeResult } from './gsm7.js';
export { gsm7FillBits, gsm7Pack, gsm7PackedLength, gsm7Unpack } from './gsm7-pack.js';
export { ucs2Decode, ucs2Encode, ucs2Units } from './ucs2.js';
export { latin1Decode, latin1Encode, type Latin1EncodeResult } from './latin1.js';
export { decodeCharset, isKnownCharset, type CharsetResult } from './charset.js';
export {
  dcsToAlphabet,
  fieldsToDcs,
  resolveCoding,
  type Coding,
  type DcsFields,
  type DcsInfo,
  type MessageClass,
  type MwiKind,
} from './data-coding.js';
export { encodeText, type EncodeResult, type TextRequest } from './encode-text.js';
export {
  checkUserUdh,
  parseUdh,
  type ConcatInfo,
  type ConcatRefBits,
  type InformationElement,
  type ParsedUdh,
  type UdhCheck,
} from './udh.js';
export {
  countParts,
  partCapacity,
  planParts,
  MAX_MESSAGE_PAYLOAD_OCTETS,
  MAX_PARTS,
  SMS_USER_DATA_OCTETS,
  type PartPlan,
  type PlanError,
  type PlanResult,
} from './segment.js';
export { buildParts, type BuildResult, type SubmitPart } from './build-parts.js';
export { decodeShortMessage, ESM_CLASS_UDHI, type DecodedShortMessage, type InboundShortMessage } from './decode-inbound.js';
export {
  addPart,
  expire,
  EMPTY_REASSEMBLY,
  type AddPartOutcome,
  type AddPartResult,
  type CompletedMessage,
  type ExpiredGroup,
  type ReassemblyGroup,
  type ReassemblyPart,
  type ReassemblyState,
} from './reassembly.js';
export { shapeText, type ShapeAlphabet, type ShapedText, type ShapeOptions } from './shape-text.js';
