import { characterNotInAName, hasLetterOrDigit, nameSpaces, naturalNameOrder } from './name';

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

describe('characterNotInAName', () => {
  it('names the control, format and unassigned characters a name cannot hold', () => {
    const cases: [string, string][] = [
      ['A\u200bb', 'U+200B'],
      ['Ann\u0007', 'U+0007'],
      ['\u202eAnna', 'U+202E'],
      ['Jo\u00adhn', 'U+00AD'],
      ['\ufeffBob', 'U+FEFF'],
      ['Al\u2028ice', 'U+2028'],
      ['Zo\ue000e', 'U+E000'],
    ];
    for (const [name, code] of cases) {
      expect({ name, code: characterNotInAName(name) }).toEqual({ name, code });
    }
  });

  it('takes names of any script, the joiners some scripts spell with included', () => {
    for (const name of [
      'Ada Lovelace',
      'José-María',
      '李小龍',
      'می\u200cخواهم',
      'क्\u200dष',
      "O'Neill",
      'X Æ A-12',
    ]) {
      expect({ name, code: characterNotInAName(name) }).toEqual({ name, code: null });
    }
  });
});

describe('nameSpaces', () => {
  it('makes spaces of any width plain', () => {
    expect(nameSpaces('Jean\u00a0Pierre\u2009Dupont')).toBe('Jean Pierre Dupont');
  });
});
