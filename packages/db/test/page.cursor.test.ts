import { expect } from 'chai';
import { AppError } from '@family/errors';
import { pageCursor, toPage } from '@family/db';

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected an AppError');
}

describe('pageCursor', () => {
  const byDayThenId = pageCursor('string', 'string');
  const byScore = pageCursor('number', 'string');

  it('reads back the key it wrote, with its types', () => {
    const key: [string, string] = ['2026-11-20', '0190d5a0-0000-7000-8000-000000000001'];
    expect(byDayThenId.decode(byDayThenId.encode(key))).to.deep.equal(key);
    const decoded = byScore.decode(byScore.encode([1732060800123, 'n-1']));
    expect(decoded).to.deep.equal([1732060800123, 'n-1']);
    expect(typeof decoded![0]).to.equal('number');
  });

  it('reads the first page from an empty or absent cursor', () => {
    expect(byDayThenId.decode('')).to.equal(undefined);
    expect(byDayThenId.decode(undefined)).to.equal(undefined);
  });

  it('refuses a cursor of another arity, another key type or no cursor at all as a 400 on page.cursor', () => {
    const cases = [
      pageCursor('string').encode(['2026-11-20']),
      pageCursor('string', 'string', 'string').encode(['a', 'b', 'c']),
      byScore.encode([1, 'x']),
      'garbage',
      Buffer.from('{"not":"a list"}').toString('base64url'),
      Buffer.from('[null, "x"]').toString('base64url'),
    ];
    for (const cursor of cases) {
      const err = refusal(() => byDayThenId.decode(cursor));
      expect(err.kind, cursor).to.equal('INVALID_ARGUMENT');
      expect(err.violations, cursor).to.deep.equal([
        { field: 'page.cursor', message: 'is not a cursor from a previous page' },
      ]);
    }
  });

  it('names the field it was given in the refusal', () => {
    const err = refusal(() => byScore.decode(byDayThenId.encode(['a', 'b']), 'cursor'));
    expect(err.violations.map((v) => v.field)).to.deep.equal(['cursor']);
  });

  it('continues a page made by toPage', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const page = toPage(rows, 2, (r) => [r.id]);
    expect(page.items).to.deep.equal([{ id: 'a' }, { id: 'b' }]);
    expect(pageCursor('string').decode(page.nextCursor)).to.deep.equal(['b']);
    expect(toPage(rows, 3, (r) => [r.id]).nextCursor).to.equal('');
  });
});
