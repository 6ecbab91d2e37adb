// The texts of every area, as merged in src/lib/i18n.ts: both languages have the same keys, no text
// is blank, and a text's placeholders are the same in English and German.
import { expect } from 'chai';
import { dictionaries, translate } from '../src/lib/i18n';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('web app: texts', () => {
  const { en, de } = dictionaries;

  it('has a German text for every English one and an English text for every German one', () => {
    const english = Object.keys(en).sort();
    const german = Object.keys(de).sort();
    expect(
      german.filter((key) => !english.includes(key)),
      'German only',
    ).to.deep.equal([]);
    expect(
      english.filter((key) => !german.includes(key)),
      'English only',
    ).to.deep.equal([]);
    expect(english.length).to.be.greaterThan(100);
  });

  it('has no blank text in either language', () => {
    for (const [locale, texts] of Object.entries(dictionaries)) {
      const blank = Object.entries(texts)
        .filter(([, text]) => typeof text !== 'string' || text.trim() === '')
        .map(([key]) => key);
      expect(blank, locale).to.deep.equal([]);
    }
  });

  it('uses the same placeholders in both languages', () => {
    const differ = Object.keys(en)
      .filter((key) => key in de)
      .filter(
        (key) => placeholders(en[key as keyof typeof en]).join() !== placeholders(de[key as keyof typeof de]).join(),
      );
    expect(differ).to.deep.equal([]);
  });

  it('leaves no brace that is not a placeholder', () => {
    for (const [locale, texts] of Object.entries(dictionaries)) {
      const stray = Object.entries(texts)
        .filter(([, text]) => /[{}]/.test(text.replace(/\{\w+\}/g, '')))
        .map(([key]) => key);
      expect(stray, locale).to.deep.equal([]);
    }
  });

  it('fills in the placeholders it is given and keeps the ones it is not', () => {
    expect(translate('en', 'spentOf', { spent: '€5.00', total: '€20.00' })).to.equal('€5.00 of €20.00');
    expect(translate('de', 'spentOf', { spent: '5,00 €', total: '20,00 €' })).to.equal('5,00 € von 20,00 €');
    expect(translate('de', 'level', { level: 3 })).to.equal('Stufe 3');
    expect(translate('en', 'level')).to.equal('Level {level}');
  });
});
