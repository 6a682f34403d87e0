import { describe, expect, it } from 'vitest';
import {
  isValidCorporateNumber,
  isValidInvoiceNumber,
  normalizePostalCode,
  toZenginKana,
} from '~/modules/partners/codes';
import { partnerSchema } from '~/modules/partners/partner-schema';

const valid = {
  name: 'NPO法人 みなと多文化共生ネット',
  nameKana: 'みなとたぶんかきょうせいねっと',
  kind: 'npo',
  municipalityCode: '432156',
  serviceRadiusKm: 30,
};
const issues = (input: Record<string, unknown>) =>
  Object.fromEntries(
    (partnerSchema.safeParse({ ...valid, ...input }).error?.issues ?? []).map((i) => [
      i.path.join('.'),
      i.message,
    ]),
  );

describe('invoice registration number (T + 13 digits with check digit)', () => {
  it('accepts real corporate numbers and rejects a wrong check digit', () => {
    expect(isValidCorporateNumber('7000012050002')).toBe(true); // 国税庁
    expect(isValidCorporateNumber('8000012050002')).toBe(false);
    expect(isValidInvoiceNumber('T7000012050002')).toBe(true);
    expect(isValidInvoiceNumber('7000012050002')).toBe(false);
  });
  it('normalises full-width input and hyphens in the form', () => {
    const r = partnerSchema.safeParse({
      ...valid,
      invoiceNumber: 'ｔ７０００-０１２０-５０００２',
    });
    expect(r.success && r.data.invoiceNumber).toBe('T7000012050002');
    expect(issues({ invoiceNumber: 'T1234567890123' })).toEqual({
      invoiceNumber: 'errors.invoiceNumber',
    });
  });
});

describe('bank account', () => {
  const bank = {
    bankCode: '0009',
    branchCode: '123',
    accountType: 'ordinary',
    accountNumber: '1234567',
    accountHolderKana: 'とくひ）みなとたぶんかきょうせいねっと',
  };
  it('converts the holder name to half-width kana without small letters', () => {
    expect(toZenginKana('ヤマダ ハナコ')).toBe('ﾔﾏﾀﾞ ﾊﾅｺ');
    expect(toZenginKana('きょうこ')).toBe('ｷﾖｳｺ');
    expect(toZenginKana('ｶ)ﾐﾅﾄ')).toBe('ｶ)ﾐﾅﾄ');
    expect(toZenginKana('パーク　ヴィラ')).toBe('ﾊﾟ-ｸ ｳﾞｲﾗ');
    expect(toZenginKana('abc１２３')).toBe('ABC123');
  });
  it('needs all five fields once one is given, each in its format', () => {
    expect(issues(bank)).toEqual({});
    expect(issues({ bankCode: '9' })).toEqual({
      bankCode: 'errors.bankCode',
      branchCode: 'errors.branchCode',
      accountType: 'errors.required',
      accountNumber: 'errors.accountNumber',
      accountHolderKana: 'errors.holderKana',
    });
    expect(issues({ ...bank, accountHolderKana: '山田花子' })).toEqual({
      accountHolderKana: 'errors.holderKana',
    });
    expect(issues({ ...bank, accountNumber: '123456' })).toEqual({
      accountNumber: 'errors.accountNumber',
    });
  });
});

describe('other fields', () => {
  it('latitude and longitude must be in Japan and come as a pair', () => {
    expect(issues({ lat: 35.68, lng: 139.76 })).toEqual({});
    expect(issues({ lat: 10, lng: 139.76 })).toEqual({ lat: 'errors.latRange' });
    expect(issues({ lat: 35.68, lng: 170 })).toEqual({ lng: 'errors.lngRange' });
    expect(issues({ lat: 35.68 })).toEqual({ lng: 'errors.latLngPair' });
  });
  it('kana reading, postal code, radius, email, phone, codes', () => {
    expect(issues({ nameKana: 'Minato' })).toEqual({ nameKana: 'errors.kanaOnly' });
    expect(normalizePostalCode('〒８６３－００２１')).toBe('863-0021');
    expect(issues({ postalCode: '863-00' })).toEqual({ postalCode: 'errors.postalCode' });
    expect(issues({ serviceRadiusKm: 0 })).toEqual({ serviceRadiusKm: 'errors.radiusRange' });
    expect(issues({ contactEmail: 'nope' })).toEqual({ contactEmail: 'errors.invalidEmail' });
    expect(issues({ contactPhone: '0969-23-1111' })).toEqual({});
    expect(issues({ contactPhone: 'call me' })).toEqual({ contactPhone: 'errors.invalidPhone' });
    expect(issues({ languages: ['vi', 'xx'] })).toEqual({ 'languages.1': 'errors.invalidChoice' });
    expect(issues({ kind: 'company' })).toEqual({ kind: 'errors.invalidChoice' });
    expect(issues({ municipalityCode: '43215' })).toEqual({
      municipalityCode: 'errors.invalidChoice',
    });
  });
});
