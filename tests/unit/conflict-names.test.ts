import { describe, expect, it } from 'vitest';
import { adversePartySchema, isCorporateNumber, orgNameKey } from '~/modules/dispatch/parties';

describe('corporate numbers (法人番号)', () => {
  it('accepts real numbers and rejects a wrong check digit or length', () => {
    expect(isCorporateNumber('7000012050002')).toBe(true); // 国税庁
    expect(isCorporateNumber('1180301018771')).toBe(true); // トヨタ自動車
    expect(isCorporateNumber('2180301018771')).toBe(false);
    expect(isCorporateNumber('180301018771')).toBe(false);
    expect(isCorporateNumber('118030101877a')).toBe(false);
  });

  it('the form accepts full-width digits and hyphens, and reports a bad check digit', () => {
    expect(
      adversePartySchema.parse({
        kind: 'employer',
        name: 'x',
        corporateNumber: '１１８０３０１-０１８７７１',
      }).corporateNumber,
    ).toBe('1180301018771');
    const bad = adversePartySchema.safeParse({
      kind: 'employer',
      name: 'x',
      corporateNumber: '2180301018771',
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].message).toBe('errors.corporateNumber');
    expect(
      adversePartySchema.parse({ kind: 'employer', name: 'x', corporateNumber: '' })
        .corporateNumber,
    ).toBe(null);
  });
});

describe('organisation names compare after folding', () => {
  it('folds width, spacing and legal forms', () => {
    const key = orgNameKey('株式会社 山田製作所');
    for (const variant of [
      '（株）山田製作所',
      '㈱山田製作所',
      '山田製作所　株式会社',
      '(株) 山田 製作所',
      '株式会社山田製作所',
    ])
      expect(orgNameKey(variant), variant).toBe(key);
    expect(orgNameKey('ﾔﾏﾀﾞ ｺｳｷﾞｮｳ 有限会社')).toBe(orgNameKey('ヤマダコウギョウ'));
    expect(orgNameKey('ＡＢＣ Trading Co., Ltd.')).toBe(orgNameKey('abc trading'));
    expect(orgNameKey('協同組合 アジア人材')).toBe(orgNameKey('アジア人材協同組合'));
  });

  it('keeps different organisations apart', () => {
    expect(orgNameKey('山田製作所')).not.toBe(orgNameKey('山田製作'));
    expect(orgNameKey('株式会社 山田製作所')).not.toBe(orgNameKey('株式会社 田中製作所'));
  });
});
