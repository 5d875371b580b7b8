import { describe, expect, it } from 'vitest';
import { formatKannelXml, parseKannelXml } from '../../../src/messages/kannel-fields.js';

/** The example of Kannel's user guide (sendsms with a text/xml POST). */
const GUIDE = `<?xml version="1.0"?>
<message>
  <submit>
    <da><number>46700000007</number></da>
    <da><number>46700000008</number></da>
    <oa><number>5555</number></oa>
    <ud>Hello+from+XML</ud>
    <udh>0605040B8423F0</udh>
    <dcs><mclass>1</mclass><coding>0</coding></dcs>
    <pid>0</pid>
    <rpi>1</rpi>
    <vp><delay>10</delay></vp>
    <timing><delay>5</delay></timing>
    <statusrequest><dlr-mask>31</dlr-mask><dlr-url>http://app/dlr?t=%d</dlr-url></statusrequest>
    <from><user>bench</user><pass>secret</pass><account>acct</account><binfo>bi</binfo></from>
    <to>opA</to>
    <priority>2</priority>
    <meta-data>?smpp?x=1</meta-data>
  </submit>
</message>`;

function fields(xml: string | Buffer) {
  const r = parseKannelXml(Buffer.isBuffer(xml) ? xml : Buffer.from(xml, 'utf8'));
  if (!r.ok) throw new Error(r.detail);
  const params: Record<string, string> = {};
  for (const [k, v] of r.fields.params) params[k] = k === 'udh' ? v.toString('hex') : v.toString('utf8');
  return { params, receivers: r.fields.receivers };
}

describe('parseKannelXml', () => {
  it('reads every path Kannel reads, under the names sendsms gives them', () => {
    expect(fields(GUIDE)).toEqual({
      receivers: ['46700000007', '46700000008'],
      params: {
        username: 'bench',
        password: 'secret',
        account: 'acct',
        binfo: 'bi',
        from: '5555',
        udh: '0605040b8423f0',
        smsc: 'opA',
        pid: '0',
        rpi: '1',
        mclass: '1',
        coding: '0',
        'dlr-mask': '31',
        'dlr-url': 'http://app/dlr?t=%d',
        validity: '10',
        deferred: '5',
        priority: '2',
        'meta-data': '?smpp?x=1',
        text: 'Hello from XML',
        charset: 'UTF-8',
      },
    });
  });

  it('username/password spellings, <smsc> before <to>, a binary <ud>', () => {
    const r = fields(
      '<message><submit><da><number>1</number></da><from><username>u</username><password>p</password></from><smsc>s1</smsc><to>s2</to><ud type="binary">48656c6c6f</ud></submit></message>',
    );
    expect(r.params).toMatchObject({ username: 'u', password: 'p', smsc: 's1', text: 'Hello' });
  });

  it('decodes the document as its declaration says', () => {
    const latin1 = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><message><submit><da><number>1</number></da><ud>caf'),
      Buffer.from([0xe9]),
      Buffer.from('</ud></submit></message>'),
    ]);
    expect(fields(latin1).params.text).toBe('café');
  });

  it('refuses what is not a Kannel document, and entity declarations', () => {
    expect(parseKannelXml(Buffer.from('not xml at all'))).toMatchObject({ ok: false });
    expect(parseKannelXml(Buffer.from('<other/>'))).toEqual({ ok: false, detail: 'no /message/submit element' });
    const bomb = '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><message><submit><ud>&a;</ud></submit></message>';
    expect(parseKannelXml(Buffer.from(bomb))).toEqual({ ok: false, detail: 'the document declares entities' });
  });
});

describe('formatKannelXml', () => {
  it("writes the document Kannel 1.4.5's post-xml sent, whitespace included", () => {
    const xml = formatKannelXml({
      sender: undefined,
      receiver: '+4444',
      udh: undefined,
      data: Buffer.from('xml some text'),
      pid: 0,
      coding: 0,
      mclass: undefined,
      mwi: undefined,
      timeMs: Date.UTC(2026, 11, 6, 22, 25, 39),
      smscId: 'SIM',
      service: 'svc',
      metaData: '?smpp?',
    });
    // Kannel declared ISO-8859-1 (its message had no charset); the rest is byte for byte what it sent.
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<message cid="1">\n\t<submit>\n' +
        '  \t\t<da>  \t\t<number>+4444</number>\n</da>\n  \t\t<ud>xml+some+text</ud>\n  \t\t<pid>0</pid>\n' +
        '  \t\t<dcs>  \t\t<coding>0</coding>\n  \t\t<alt-dcs>0</alt-dcs>\n  \t\t<compress>0</compress>\n</dcs>\n' +
        '  \t\t<at><year>2026</year><month>12</month><day>06</day><hour>22</hour><minute>25</minute><second>39</second><timezone>0</timezone></at>\n' +
        '  \t\t<from>  \t\t<account>SIM</account>\n</from>\n  \t\t<to>  \t\t<service>svc</service>\n</to>\n' +
        '  \t\t<meta-data>?smpp?</meta-data>\n\t</submit>\n</message>\n',
    );
  });

  it('adds <oa> with the sender (send-sender), escapes markup, and reads back', () => {
    const xml = formatKannelXml({
      sender: '4670',
      receiver: '1234',
      udh: Buffer.from([5, 0, 3, 1, 2, 1]),
      data: Buffer.from('a<b & c'),
      pid: 0,
      coding: 0,
      mclass: 1,
      mwi: undefined,
      timeMs: 0,
      smscId: 'op',
      service: 'a&b',
      metaData: undefined,
    });
    expect(xml).toContain('  \t\t<oa>  \t\t<number>4670</number>\n</oa>\n');
    expect(xml).toContain('<service>a&amp;b</service>');
    expect(fields(xml).params).toMatchObject({ from: '4670', text: 'a<b & c', mclass: '1', udh: '050003010201' });
    expect(fields(xml).receivers).toEqual(['1234']);
  });
});
