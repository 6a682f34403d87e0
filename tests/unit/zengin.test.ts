// 全銀協 総合振込 (Zengin general transfer) file, checked against the published layout: every
// record is 120 bytes of Shift_JIS followed by CRLF; header (1), data (2), trailer (8), end (9).
// Fields are read back by byte position (1-based, inclusive, as in the bank's layout tables)
// from the encoded buffer, never from the JavaScript string.
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  toZenginKana,
  ZenginError,
  type ZenginPayer,
  type ZenginTransfer,
  zenginFile,
} from '~/modules/payments/zengin';

const RECORD = 120;
const LINE = RECORD + 2; // + CRLF

/** The records of a file as Shift_JIS byte buffers, checking the CRLF after each. */
function records(file: Buffer): Buffer[] {
  expect(file.length % LINE).toBe(0);
  const out: Buffer[] = [];
  for (let at = 0; at < file.length; at += LINE) {
    expect([file[at + RECORD], file[at + RECORD + 1]]).toEqual([0x0d, 0x0a]);
    out.push(file.subarray(at, at + RECORD));
  }
  return out;
}

/** Bytes `from`–`to` of a record (1-based, inclusive), decoded from Shift_JIS. */
const field = (record: Buffer, from: number, to: number) =>
  iconv.decode(record.subarray(from - 1, to), 'Shift_JIS');

const payer: ZenginPayer = {
  consignorCode: '1234567890',
  consignorName: 'ﾊﾞﾝｿｳﾚﾝｹｲﾈｯﾄﾜｰｸ',
  bankCode: '0005',
  bankName: 'みつびしゆーえふじぇい',
  branchCode: '123',
  branchName: 'ホンテン',
  accountType: 'current',
  accountNumber: '7654321',
};

const transfers: ZenginTransfer[] = [
  {
    bankCode: '0009',
    bankName: 'ミツイスミトモ',
    branchCode: '456',
    branchName: 'しんじゅく',
    accountType: 'ordinary',
    accountNumber: '0012345',
    holderKana: 'ﾄｸﾋ)ﾊﾞﾝｿｳﾈｯﾄ',
    amount: 77_605,
    customerCode: '0000000042',
  },
  {
    bankCode: '0001',
    branchCode: '001',
    accountType: 'savings',
    accountNumber: '1111111',
    holderKana: 'ガイコクジンシエンセンター',
    amount: 1_234,
  },
  {
    // 41 characters once converted: longer than the 30-byte name field.
    bankCode: '0010',
    branchCode: '789',
    accountType: 'ordinary',
    accountNumber: '2222222',
    holderKana: 'とくていひえいりかつどうほうじん　いみんろうどうしゃしえんきょうかい',
    amount: 9_999_999_999,
  },
];

describe('toZenginKana', () => {
  it('converts hiragana and full-width katakana to half-width kana, voiced and semi-voiced as two characters', () => {
    expect(toZenginKana('やまだ　たろう')).toBe('ﾔﾏﾀﾞ ﾀﾛｳ');
    expect(toZenginKana('ガギグゲゴ ザジズゼゾ ダヂヅデド バビブベボ')).toBe(
      'ｶﾞｷﾞｸﾞｹﾞｺﾞ ｻﾞｼﾞｽﾞｾﾞｿﾞ ﾀﾞﾁﾞﾂﾞﾃﾞﾄﾞ ﾊﾞﾋﾞﾌﾞﾍﾞﾎﾞ',
    );
    expect(toZenginKana('パピプペポ')).toBe('ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ');
    expect(toZenginKana('ぱぴぷぺぽ')).toBe('ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ');
    expect(toZenginKana('ヴ')).toBe('ｳﾞ');
    expect(toZenginKana('ワン')).toBe('ﾜﾝ');
  });

  it('writes small kana as large ones and the long vowel mark as a hyphen', () => {
    expect(toZenginKana('ッ')).toBe('ﾂ');
    expect(toZenginKana('ャュョ')).toBe('ﾔﾕﾖ');
    expect(toZenginKana('ァィゥェォ')).toBe('ｱｲｳｴｵ');
    expect(toZenginKana('きゃっしゅ')).toBe('ｷﾔﾂｼﾕ');
    expect(toZenginKana('パーティー')).toBe('ﾊﾟ-ﾃｲ-');
    // Already half-width input is normalised the same way.
    expect(toZenginKana('ｶﾞｯｺｳ ｾﾝﾀｰ')).toBe('ｶﾞﾂｺｳ ｾﾝﾀ-');
  });

  it('turns full-width Latin and digits into half-width upper case, and lower case into upper case', () => {
    expect(toZenginKana('ＡＢＣ１２３')).toBe('ABC123');
    expect(toZenginKana('ａｂｃ')).toBe('ABC');
    expect(toZenginKana('npo banso 2')).toBe('NPO BANSO 2');
    expect(toZenginKana('（ｶ）ＮＰＯ．ー')).toBe('(ｶ)NPO.-');
    expect(toZenginKana('A.B,C/D-E')).toBe('A.B,C/D-E');
  });

  it('refuses kanji, emoji and other characters the format cannot carry, naming the field', () => {
    for (const bad of ['山田', 'ﾔﾏﾀﾞ太郎', '😀', 'ﾊﾞﾝｿｳ🙂', 'É', 'Ω', '@', '#', '~', '¥', '％'])
      expect(() => toZenginKana(bad, 'holderKana'), bad).toThrow(ZenginError);
    try {
      toZenginKana('山田　太郎', 'holderKana');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ZenginError);
      expect((e as ZenginError).field).toBe('holderKana');
      expect((e as ZenginError).message).toContain('holderKana');
    }
  });

  it('what it returns can always be written: one Shift_JIS byte per character (｢｣ included)', () => {
    // The Zengin character set has the half-width corner brackets ｢｣; full-width ones convert to
    // them like every other full-width character.
    expect(toZenginKana('｢ｶ｣ﾊﾞﾝｿｳ')).toBe('｢ｶ｣ﾊﾞﾝｿｳ');
    expect(toZenginKana('「カ」バンソウ')).toBe('｢ｶ｣ﾊﾞﾝｿｳ');
    const unit = fc.constantFrom(
      ...'あいうがぱっゃアイウガパッャーｱｲｳｶﾞﾊﾟｯｬｰAZaz09ＡＺａｚ０９ ()-./,「」｢｣\\漢字é😀'.match(
        /./gu,
      )!,
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), (s) => {
        let out: string;
        try {
          out = toZenginKana(s);
        } catch (e) {
          return e instanceof ZenginError;
        }
        return iconv.encode(out, 'Shift_JIS').length === out.length;
      }),
    );
  });
});

describe('zenginFile', () => {
  const file = zenginFile(payer, '2027-01-25', transfers);
  const [header, d1, d2, d3, trailer, end] = records(file);

  it('is made of 120-byte Shift_JIS records, each followed by CRLF: header, data…, trailer, end', () => {
    expect(file.length).toBe(6 * LINE);
    expect(records(file).map((r) => [r.length, field(r, 1, 1)])).toEqual([
      [120, '1'],
      [120, '2'],
      [120, '2'],
      [120, '2'],
      [120, '8'],
      [120, '9'],
    ]);
    expect(file.subarray(-2).toString('latin1')).toBe('\r\n');
    // Half-width kana are single bytes (0xA1–0xDF) in Shift_JIS, not UTF-8 sequences.
    expect(field(header, 15, 16)).toBe('ﾊﾞ');
    expect([...header.subarray(14, 16)]).toEqual([0xca, 0xde]);
  });

  it('places the header fields at their published byte positions', () => {
    expect(field(header, 1, 1)).toBe('1');
    expect(field(header, 2, 3)).toBe('21'); // 種別コード: 総合振込
    expect(field(header, 4, 4)).toBe('0'); // コード区分: SJIS
    expect(field(header, 5, 14)).toBe('1234567890');
    expect(field(header, 15, 54)).toBe('ﾊﾞﾝｿｳﾚﾝｹｲﾈﾂﾄﾜ-ｸ'.padEnd(40, ' '));
    expect(field(header, 55, 58)).toBe('0125'); // 取組日 MMDD
    expect(field(header, 59, 62)).toBe('0005');
    expect(field(header, 63, 77)).toBe('ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ'.padEnd(15, ' '));
    expect(field(header, 78, 80)).toBe('123');
    expect(field(header, 81, 95)).toBe('ﾎﾝﾃﾝ'.padEnd(15, ' '));
    expect(field(header, 96, 96)).toBe('2'); // 当座
    expect(field(header, 97, 103)).toBe('7654321');
    expect(field(header, 104, 120)).toBe(' '.repeat(17));
  });

  it('places the data fields at their published byte positions', () => {
    expect(field(d1, 1, 1)).toBe('2');
    expect(field(d1, 2, 5)).toBe('0009');
    expect(field(d1, 6, 20)).toBe('ﾐﾂｲｽﾐﾄﾓ'.padEnd(15, ' '));
    expect(field(d1, 21, 23)).toBe('456');
    expect(field(d1, 24, 38)).toBe('ｼﾝｼﾞﾕｸ'.padEnd(15, ' '));
    expect(field(d1, 39, 42)).toBe('    '); // 手形交換所番号
    expect(field(d1, 43, 43)).toBe('1'); // 普通
    expect(field(d1, 44, 50)).toBe('0012345');
    expect(field(d1, 51, 80)).toBe('ﾄｸﾋ)ﾊﾞﾝｿｳﾈﾂﾄ'.padEnd(30, ' '));
    expect(field(d1, 81, 90)).toBe('0000077605');
    expect(field(d1, 91, 91)).toBe('0'); // 新規コード
    expect(field(d1, 92, 101)).toBe('0000000042'); // 顧客コード1
    expect(field(d1, 102, 111)).toBe(' '.repeat(10));
    expect(field(d1, 114, 120)).toBe(' '.repeat(7)); // dummy

    // Optional bank and branch names are blank; 貯蓄 is 4.
    expect(field(d2, 2, 5)).toBe('0001');
    expect(field(d2, 6, 20)).toBe(' '.repeat(15));
    expect(field(d2, 21, 23)).toBe('001');
    expect(field(d2, 24, 38)).toBe(' '.repeat(15));
    expect(field(d2, 43, 43)).toBe('4');
    expect(field(d2, 44, 50)).toBe('1111111');
    expect(field(d2, 51, 80)).toBe('ｶﾞｲｺｸｼﾞﾝｼｴﾝｾﾝﾀ-'.padEnd(30, ' '));
    expect(field(d2, 81, 90)).toBe('0000001234');
    expect(field(d2, 92, 101)).toBe(' '.repeat(10));
  });

  it('truncates a long name to its field, never shifting the fields after it', () => {
    const full = toZenginKana(transfers[2].holderKana);
    expect(full.length).toBeGreaterThan(30);
    expect(field(d3, 51, 80)).toBe(full.slice(0, 30));
    expect(field(d3, 81, 90)).toBe('9999999999');
    expect(field(d3, 91, 91)).toBe('0');
    expect(field(d3, 44, 50)).toBe('2222222');

    const longPayer = zenginFile(
      {
        ...payer,
        consignorName: 'とくていひえいりかつどうほうじん　ばんそうれんけいねっとわーく　じむきょく',
      },
      '2027-12-03',
      [transfers[1]],
    );
    const [h] = records(longPayer);
    expect(field(h, 15, 54)).toBe('ﾄｸﾃｲﾋｴｲﾘｶﾂﾄﾞｳﾎｳｼﾞﾝ ﾊﾞﾝｿｳﾚﾝｹｲﾈﾂﾄﾜ-ｸ ｼﾞﾑｷﾖｸ'.slice(0, 40));
    expect(field(h, 55, 58)).toBe('1203');
    expect(field(h, 59, 62)).toBe('0005');
    expect(field(h, 97, 103)).toBe('7654321');
  });

  it('ends with a trailer of the count and the sum, then the end record', () => {
    expect(field(trailer, 1, 1)).toBe('8');
    expect(field(trailer, 2, 7)).toBe('000003');
    expect(field(trailer, 8, 19)).toBe(String(77_605 + 1_234 + 9_999_999_999).padStart(12, '0'));
    expect(field(trailer, 20, 120)).toBe(' '.repeat(101));
    expect(field(end, 1, 1)).toBe('9');
    expect(field(end, 2, 120)).toBe(' '.repeat(119));
  });

  it('for any transfers, every record is 120 bytes and the trailer totals the data records', () => {
    // Whole characters: a voiced mark only ever follows its kana.
    const kana = fc.constantFrom(
      ...'ｱ ｲ ｳ ｶﾞ ﾊﾟ ﾝ ﾔ ﾏ ﾀﾞ あ い う が ぱ っ ゃ ア イ ウ ガ パ ッ ャ ー A B C a b c 0 1 2 _'
        .split(' ')
        .map((c) => (c === '_' ? ' ' : c)),
    );
    const transfer = fc.record({
      bankCode: fc.stringMatching(/^[0-9]{4}$/),
      branchCode: fc.stringMatching(/^[0-9]{3}$/),
      accountType: fc.constantFrom('ordinary' as const, 'current' as const, 'savings' as const),
      accountNumber: fc.stringMatching(/^[0-9]{7}$/),
      holderKana: fc.string({ unit: kana, minLength: 1, maxLength: 45 }),
      amount: fc.integer({ min: 1, max: 9_999_999_999 }),
    });
    fc.assert(
      fc.property(fc.array(transfer, { minLength: 1, maxLength: 8 }), (ts) => {
        const recs = records(zenginFile(payer, '2027-03-31', ts));
        expect(recs).toHaveLength(ts.length + 3);
        for (const r of recs) expect(r.length).toBe(120);
        const data = recs.slice(1, -2);
        expect(data.map((r) => Number(field(r, 81, 90)))).toEqual(ts.map((t) => t.amount));
        expect(data.map((r) => field(r, 44, 50))).toEqual(ts.map((t) => t.accountNumber));
        const tr = recs.at(-2)!;
        expect(Number(field(tr, 2, 7))).toBe(ts.length);
        expect(Number(field(tr, 8, 19))).toBe(ts.reduce((s, t) => s + t.amount, 0));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses amounts that are not positive whole yen fitting 10 digits', () => {
    for (const amount of [0, -1, 1.5, 10_000_000_000, Number.NaN, Number.POSITIVE_INFINITY]) {
      try {
        zenginFile(payer, '2027-01-25', [{ ...transfers[1], amount }]);
        expect.unreachable(`amount ${amount} accepted`);
      } catch (e) {
        expect(e, String(amount)).toBeInstanceOf(ZenginError);
        expect((e as ZenginError).field).toBe('transfers[0].amount');
      }
    }
    // The largest amount that fits is written in full.
    const [, d] = records(
      zenginFile(payer, '2027-01-25', [{ ...transfers[1], amount: 9_999_999_999 }]),
    );
    expect(field(d, 81, 90)).toBe('9999999999');
  });

  it('refuses names the format cannot carry, naming the field', () => {
    const attempt = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ZenginError);
        return (e as ZenginError).field;
      }
      return 'accepted';
    };
    expect(
      attempt(() =>
        zenginFile(payer, '2027-01-25', [
          transfers[0],
          { ...transfers[1], holderKana: '山田太郎' },
        ]),
      ),
    ).toBe('transfers[1].holderKana');
    expect(
      attempt(() => zenginFile({ ...payer, consignorName: 'ばんそう🙂' }, '2027-01-25', transfers)),
    ).toBe('consignorName');
    expect(
      attempt(() => zenginFile(payer, '2027-01-25', [{ ...transfers[0], branchName: '新宿' }])),
    ).toBe('transfers[0].branchName');
    expect(
      attempt(() => zenginFile({ ...payer, accountNumber: '12345678' }, '2027-01-25', transfers)),
    ).toBe('accountNumber');
  });
});
