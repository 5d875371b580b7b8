/**
 * Packing of GSM septets into octets (3GPP TS 23.038 §6.1.2.1.1), least significant bit first.
 *
 * `paddingBits` is the number of fill bits before the first septet: when a UDH precedes packed text, 23.040 §9.2.3.24
 * requires the text to start on a septet boundary counted from the start of the user data, so the octets returned
 * here follow the UDH and begin with `gsm7FillBits(udhOctets)` zero bits.
 */

/** Fill bits after a UDH of `udhOctets` octets (UDHL included) so the first septet starts on a septet boundary. */
export function gsm7FillBits(udhOctets: number): number {
  return (7 - ((udhOctets * 8) % 7)) % 7;
}

/** Octets that `septetCount` septets take after `paddingBits` fill bits. */
export function gsm7PackedLength(septetCount: number, paddingBits = 0): number {
  return septetCount === 0 ? 0 : Math.ceil((paddingBits + septetCount * 7) / 8);
}

/** Septets are masked to 7 bits; `paddingBits` is 0..6. */
export function gsm7Pack(septets: Buffer, paddingBits = 0): Buffer {
  const out = Buffer.alloc(gsm7PackedLength(septets.length, paddingBits));
  let bit = paddingBits;
  for (let i = 0; i < septets.length; i++) {
    const value = (septets[i] ?? 0) & 0x7f;
    const at = bit >> 3;
    const shift = bit & 7;
    out[at] = (out[at] ?? 0) | ((value << shift) & 0xff);
    if (shift > 1) out[at + 1] = (out[at + 1] ?? 0) | (value >> (8 - shift));
    bit += 7;
  }
  return out;
}

/**
 * The septet count has to be given: the last octet may hold up to 7 spare bits that would otherwise read as `@`.
 * Never throws: when the octets run out, the septets read so far are returned.
 */
export function gsm7Unpack(octets: Buffer, septetCount: number, paddingBits = 0): Buffer {
  const available = Math.max(0, Math.floor((octets.length * 8 - paddingBits) / 7));
  const count = Math.max(0, Math.min(septetCount, available));
  const out = Buffer.allocUnsafe(count);
  let bit = paddingBits;
  for (let i = 0; i < count; i++) {
    const at = bit >> 3;
    const shift = bit & 7;
    let value = (octets[at] ?? 0) >> shift;
    if (shift > 1) value |= (octets[at + 1] ?? 0) << (8 - shift);
    out[i] = value & 0x7f;
    bit += 7;
  }
  return out;
}
