import { hasLetterOrDigit, naturalNameOrder } from './name';

describe('naturalNameOrder', () => {
  it('puts "Surname, Forenames" in natural order, keeping every word as written', () => {
    expect(naturalNameOrder('White, Andrew')).toBe('Andrew White');
    expect(naturalNameOrder('WHITE, Andrew James')).toBe('Andrew James WHITE');
    expect(naturalNameOrder('van der Berg,  Jan')).toBe('Jan van der Berg');
    expect(naturalNameOrder("O'Neill,Siobhan")).toBe("Siobhan O'Neill");
  });

  it('keeps a name without a single inverting comma as given', () => {
    for (const name of ['Andrew White', 'Smith, John, Jr.', 'Smith,', ', John', 'Madonna']) {
      expect(naturalNameOrder(name)).toBe(name);
    }
  });

  it('keeps post-nominals after the comma where they are', () => {
    for (const name of [
      'Jane Doe, PhD',
      'John Smith, Jr.',
      'John Smith, Jr',
      'Ann Lee, MBA CPA',
      'Ed Bo, O.B.E.',
    ]) {
      expect(naturalNameOrder(name)).toBe(name);
    }
  });
});

describe('hasLetterOrDigit', () => {
  it('takes a name with a letter or digit of any script', () => {
    for (const name of ['Ada', 'a', "O'Neill", '李', 'Ωmega', 'José-María', '3M', 'X Æ A-12', 'ß']) {
      expect({ name, ok: hasLetterOrDigit(name) }).toEqual({ name, ok: true });
    }
  });

  it('refuses punctuation, symbols, spaces and emoji alone', () => {
    for (const name of [',', '-', '...', '&', '()', '—', '?!', ' ', '👩‍👩‍👧', '\u200b', '']) {
      expect({ name, ok: hasLetterOrDigit(name) }).toEqual({ name, ok: false });
    }
  });
});
