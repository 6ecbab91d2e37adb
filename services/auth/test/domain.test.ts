import { expect } from 'chai';
import { AppError, Violations } from '@family/errors';
import { decide, type ThrottleLimits } from '../src/domain/throttle.rules.js';
import { assertCanChangeRole, assertCanRemove, assertCanRename } from '../src/domain/membership.rules.js';
import { checkPassword, checkUsername, loginKind } from '../src/domain/credentials.rules.js';
import { inviteState, inviteTtl } from '../src/domain/invite.rules.js';
import { checkFamily } from '../src/domain/family.rules.js';

const limits: ThrottleLimits = { windowSeconds: 900, perLoginAndAddress: 5, perAddress: 30, perLogin: 20 };
const now = new Date('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);

function failsWith(fn: () => void, kind: string, code?: string) {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(AppError);
    expect((err as AppError).kind).to.equal(kind);
    if (code) expect((err as AppError).code).to.equal(code);
    return;
  }
  expect.fail('expected an AppError');
}

describe('login throttling rules', () => {
  it('allows a login with no recent failures', () => {
    expect(
      decide({ loginAndAddress: undefined, address: undefined, login: undefined }, limits, false, now),
    ).to.deep.equal({ allowed: true });
  });

  it('stops one address guessing one account after five failures, until the window ends', () => {
    const d = decide(
      { loginAndAddress: { failures: 5, windowStart: ago(60) }, address: undefined, login: undefined },
      limits,
      false,
      now,
    );
    expect(d).to.deep.equal({ allowed: false, retryAfterSeconds: 840, reason: 'TOO_MANY_ATTEMPTS' });
  });

  it('forgets failures from a window that has passed', () => {
    const d = decide(
      { loginAndAddress: { failures: 50, windowStart: ago(901) }, address: undefined, login: undefined },
      limits,
      false,
      now,
    );
    expect(d.allowed).to.equal(true);
  });

  it('protects an account under distributed attack but lets its known addresses in', () => {
    const counts = { loginAndAddress: undefined, address: undefined, login: { failures: 25, windowStart: ago(10) } };
    expect(decide(counts, limits, false, now)).to.include({ allowed: false, reason: 'ACCOUNT_PROTECTED' });
    expect(decide(counts, limits, true, now)).to.deep.equal({ allowed: true });
  });

  it('stops an address that guesses many accounts', () => {
    const counts = { loginAndAddress: undefined, address: { failures: 30, windowStart: ago(10) }, login: undefined };
    expect(decide(counts, limits, false, now)).to.include({ allowed: false, reason: 'TOO_MANY_ATTEMPTS_FROM_ADDRESS' });
  });
});

describe('membership rules', () => {
  const owner = { memberId: 'o', role: 'OWNER' as const };
  const parent = { memberId: 'p', role: 'PARENT' as const };
  const child = { memberId: 'c', role: 'CHILD' as const };

  it('refuses anyone demoting the owner', () => {
    failsWith(() => assertCanChangeRole(parent, owner, 'CHILD'), 'PERMISSION_DENIED', 'OWNER_PROTECTED');
    failsWith(() => assertCanChangeRole(owner, owner, 'PARENT'), 'PERMISSION_DENIED', 'OWNER_PROTECTED');
  });

  it('refuses handing out the owner role', () => {
    failsWith(() => assertCanChangeRole(owner, parent, 'OWNER'), 'INVALID_ARGUMENT');
  });

  it('lets parents change roles and children not', () => {
    expect(() => assertCanChangeRole(parent, child, 'PARENT')).not.to.throw();
    failsWith(() => assertCanChangeRole(child, parent, 'CHILD'), 'PERMISSION_DENIED', 'ROLE_REQUIRED');
  });

  it('never removes the owner, lets members leave and parents remove', () => {
    failsWith(() => assertCanRemove(parent, owner), 'PERMISSION_DENIED', 'OWNER_PROTECTED');
    expect(() => assertCanRemove(child, child)).not.to.throw();
    expect(() => assertCanRemove(parent, child)).not.to.throw();
    failsWith(() => assertCanRemove(child, parent), 'PERMISSION_DENIED');
  });

  it('lets a member rename themselves but only the owner rename the owner', () => {
    expect(() => assertCanRename(child, child)).not.to.throw();
    failsWith(() => assertCanRename(parent, owner), 'PERMISSION_DENIED', 'OWNER_PROTECTED');
    failsWith(() => assertCanRename(child, parent), 'PERMISSION_DENIED');
  });
});

describe('credential rules', () => {
  it('requires passwords of 10 to 128 characters that are not the login', () => {
    const v = new Violations();
    checkPassword(v, 'password', 'short');
    checkPassword(v, 'p2', 'x'.repeat(129));
    checkPassword(v, 'p3', 'kid.username', 'Kid.Username');
    checkPassword(v, 'ok', 'a long enough passphrase');
    expect(v.list.map((x) => x.field)).to.deep.equal(['password', 'p2', 'p3']);
  });

  it('accepts simple usernames only', () => {
    const v = new Violations();
    checkUsername(v, 'a', 'sam_99');
    checkUsername(v, 'b', 'x');
    checkUsername(v, 'c', 'has space');
    expect(v.list.map((x) => x.field)).to.deep.equal(['b', 'c']);
  });

  it('tells emails from usernames', () => {
    expect(loginKind('pat@example.com')).to.equal('email');
    expect(loginKind('sam_99')).to.equal('username');
  });
});

describe('family and invite rules', () => {
  it('names every bad family field', () => {
    try {
      checkFamily({ name: '', currency: 'EURO', timezone: 'Mars/Olympus' });
      expect.fail('should throw');
    } catch (err) {
      expect((err as AppError).violations.map((v) => v.field)).to.deep.equal(['name', 'currency', 'timezone']);
    }
    expect(() => checkFamily({ name: 'Smiths', currency: 'EUR', timezone: 'Europe/Berlin' })).not.to.throw();
  });

  it('defaults invite lifetime to a week and bounds it', () => {
    expect(inviteTtl(0)).to.equal(7 * 86400);
    failsWith(() => inviteTtl(10), 'INVALID_ARGUMENT');
    failsWith(() => inviteTtl(31 * 86400), 'INVALID_ARGUMENT');
  });

  it('knows used and expired invites', () => {
    expect(inviteState({ acceptedAt: now, expiresAt: new Date(now.getTime() + 1000) }, now)).to.equal('USED');
    expect(inviteState({ acceptedAt: null, expiresAt: now }, now)).to.equal('EXPIRED');
    expect(inviteState({ acceptedAt: null, expiresAt: new Date(now.getTime() + 1000) }, now)).to.equal('OPEN');
  });
});
