/** What a message body is made of, as this gateway sends it. */
export type Alphabet = 'gsm7' | 'ucs2' | 'latin1' | 'binary';

/** What a received data_coding says the body is made of: the sent alphabets plus IA5 (SMPP data_coding 1). */
export type DcsAlphabet = Alphabet | 'ascii';
