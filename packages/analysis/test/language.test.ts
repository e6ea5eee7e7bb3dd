import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../src/language.ts';

describe('detectLanguage', () => {
  it.each([
    'Roedd y staff yn garedig iawn ond roedd yr aros yn rhy hir',
    'Diolch yn fawr',
    'Gwasanaeth gwych',
    'Mae’r ganolfan hamdden yn lân',
    'Dim digon o staff ar y penwythnos',
    'Parcio yn anodd iawn',
  ])('detects Welsh in the short sentence %j', (text) => {
    const guess = detectLanguage(text);
    expect(guess.code).toBe('cy');
    expect(guess.confidence).toBeGreaterThan(0.5);
  });

  it.each([
    'The staff were very kind but the wait was too long',
    'Great service',
    'Thanks',
    'Nobody answered the phone',
    'Parking is difficult',
  ])('detects English in the short sentence %j', (text) => {
    expect(detectLanguage(text).code).toBe('en');
  });

  it.each([
    ['pl', 'Personel był bardzo miły, ale czekanie było za długie'],
    ['ro', 'Personalul a fost foarte amabil dar așteptarea a fost prea lungă'],
    ['pt', 'O pessoal foi muito simpático mas a espera foi longa'],
    ['es', 'El personal fue muy amable pero la espera fue larga'],
    ['fr', 'Le personnel était très gentil mais l’attente était longue'],
    ['so', 'Shaqaalaha aad bay u wanaagsanaayeen laakiin sugitaanka ayaa dheeraa'],
    ['lt', 'Darbuotojai buvo labai malonūs, bet laukti reikėjo ilgai'],
    ['tr', 'Personel çok nazikti ama bekleme çok uzundu'],
  ])('detects %s in a Latin-script community language', (code, text) => {
    expect(detectLanguage(text).code).toBe(code);
  });

  it.each([
    ['ur', 'عملہ بہت اچھا تھا لیکن انتظار بہت لمبا تھا'],
    ['ar', 'كان الموظفون لطفاء لكن الانتظار كان طويلا'],
    ['bn', 'কর্মীরা খুব ভালো ছিল কিন্তু অপেক্ষা দীর্ঘ ছিল'],
    ['pa', 'ਸਟਾਫ ਬਹੁਤ ਵਧੀਆ ਸੀ ਪਰ ਉਡੀਕ ਲੰਬੀ ਸੀ'],
    ['gu', 'સ્ટાફ ખૂબ સારો હતો'],
    ['zh', '工作人员很好但是等待时间太长'],
    ['el', 'Το προσωπικό ήταν πολύ ευγενικό'],
    ['ru', 'Персонал был очень вежлив'],
  ])('detects %s from its script', (code, text) => {
    expect(detectLanguage(text).code).toBe(code);
  });

  it('returns und with low confidence for text that is too short or has no letters', () => {
    for (const text of ['', 'ok', '12345', '!!!', '👍']) {
      const guess = detectLanguage(text);
      expect(guess.code).toBe('und');
      expect(guess.confidence).toBeLessThan(0.3);
    }
  });

  it('handles 100 KB of text and binary garbage without throwing', () => {
    const big = 'The staff were very kind. '.repeat(4000);
    expect(detectLanguage(big).code).toBe('en');
    const garbage = String.fromCharCode(...Array.from({ length: 2000 }, (_, i) => (i * 7919) % 65536));
    const guess = detectLanguage(garbage);
    expect(typeof guess.code).toBe('string');
    expect(guess.confidence).toBeGreaterThanOrEqual(0);
  });
});
