import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { AppError } from '@family/errors';
import { MemberDirectory, type FamilyInfo, type MemberInfo } from '@family/auth-client';
import type { Caller, FamilyRole, ServiceCaller, UserCaller } from '@family/grpc-kit';
import { Access, FamilyDirectory, Scopes, type FamilySettings, type FamilySettingsStore } from '@family/service-kit';

/** The service's own copy of family settings, in memory. */
class MemorySettingsStore implements FamilySettingsStore {
  readonly rows = new Map<string, FamilySettings>();
  async find(familyId: string) {
    return this.rows.get(familyId);
  }
  async record(settings: FamilySettings) {
    if (this.rows.has(settings.familyId)) return false;
    this.rows.set(settings.familyId, settings);
    return true;
  }
  async all() {
    return [...this.rows.values()];
  }
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a rejection');
}

describe('Access over the family directory', () => {
  const familyId = randomUUID();
  const otherFamilyId = randomUUID();
  const parent = { id: randomUUID(), displayName: 'Pat', role: 'PARENT' as const };
  const child = { id: randomUUID(), displayName: 'Kim', role: 'CHILD' as const };
  const sibling = { id: randomUUID(), displayName: 'Lee', role: 'CHILD' as const };
  const stranger = { id: randomUUID(), displayName: 'Max', role: 'CHILD' as const };

  /** What auth knows: two families and their members. */
  const authFamilies: FamilyInfo[] = [
    { id: familyId, name: 'Smiths', currency: 'EUR', timezone: 'Europe/Berlin', region: '' },
    { id: otherFamilyId, name: 'Joneses', currency: 'USD', timezone: 'America/New_York', region: '' },
  ];
  const authMembers = new Map<string, MemberInfo[]>([
    [familyId, [parent, child, sibling]],
    [otherFamilyId, [stranger]],
  ]);

  let store: MemorySettingsStore;
  let familyFetches: string[][];
  let memberFetches: number;
  let families: FamilyDirectory;
  let access: Access;

  const directory = () =>
    new FamilyDirectory({
      store,
      fetchFamilies: async (ids) => {
        familyFetches.push(ids);
        return authFamilies.filter((f) => ids.includes(f.id));
      },
      members: new MemberDirectory(async (id) => {
        memberFetches++;
        return authMembers.get(id) ?? [];
      }, 60_000),
    });

  beforeEach(() => {
    store = new MemorySettingsStore();
    familyFetches = [];
    memberFetches = 0;
    families = directory();
    access = new Access(families);
  });

  const user = (memberships: [string, string, FamilyRole][]): UserCaller => ({
    kind: 'user',
    userId: randomUUID(),
    sessionId: randomUUID(),
    memberships: new Map(memberships.map(([f, memberId, role]) => [f, { memberId, role }])),
    token: 'user-token',
  });
  const service = (...scopes: string[]): ServiceCaller => ({
    kind: 'service',
    clientId: 'notification',
    scopes: new Set(scopes),
    token: 'service-token',
  });
  const asParent = () => user([[familyId, parent.id, 'PARENT']]);
  const asChild = () => user([[familyId, child.id, 'CHILD']]);

  it('answers NOT_FOUND for a family the caller does not belong to, never PERMISSION_DENIED', async () => {
    const err = await rejection(access.actor(asParent(), otherFamilyId));
    expect(err).to.include({ kind: 'NOT_FOUND' });
    expect((await rejection(access.parent(asParent(), otherFamilyId))).kind).to.equal('NOT_FOUND');
    expect((await rejection(access.reader(asChild(), otherFamilyId, Scopes.EXPENSE_READ))).kind).to.equal('NOT_FOUND');
  });

  it('refuses a child a parent-only call with PERMISSION_DENIED ROLE_REQUIRED', async () => {
    const err = await rejection(access.parent(asChild(), familyId));
    expect(err).to.include({ kind: 'PERMISSION_DENIED', code: 'ROLE_REQUIRED' });
    const actor = await access.actor(asChild(), familyId);
    expect(() => access.requireParent(actor))
      .to.throw(AppError)
      .with.property('code', 'ROLE_REQUIRED');
    const parentActor = await access.parent(asParent(), familyId);
    expect(parentActor).to.include({ memberId: parent.id, isParent: true, service: false });
    expect(parentActor.family).to.deep.equal({ familyId, currency: 'EUR', timezone: 'Europe/Berlin' });
  });

  it('refuses a child naming a sibling with PERMISSION_DENIED OWN_ONLY, and lets a parent name anyone', async () => {
    const kid = await access.actor(asChild(), familyId);
    expect(await access.subject(kid, '')).to.equal(child.id);
    expect(await access.subject(kid, child.id)).to.equal(child.id);
    const err = await rejection(access.subject(kid, sibling.id));
    expect(err).to.include({ kind: 'PERMISSION_DENIED', code: 'OWN_ONLY' });
    expect(await access.listScope(kid, '')).to.equal(child.id);
    const pat = await access.actor(asParent(), familyId);
    expect(await access.subject(pat, sibling.id)).to.equal(sibling.id);
    expect(await access.listScope(pat, '')).to.equal(undefined);
  });

  it('answers NOT_FOUND for a member of another family, to a parent and to a child', async () => {
    const pat = await access.actor(asParent(), familyId);
    expect((await rejection(access.subject(pat, stranger.id))).kind).to.equal('NOT_FOUND');
    expect((await rejection(access.member(pat, stranger.id))).kind).to.equal('NOT_FOUND');
    const kid = await access.actor(asChild(), familyId);
    expect((await rejection(access.subject(kid, stranger.id))).kind).to.equal('NOT_FOUND');
    const err = await rejection(access.child(pat, stranger.id, 'assigneeMemberId'));
    expect(err.violations).to.deep.equal([{ field: 'assigneeMemberId', message: 'is not a member of this family' }]);
  });

  it('lets a service read with the scope as a parent would, and refuses it without', async () => {
    const err = await rejection(access.reader(service(Scopes.AUTH_READ), familyId, Scopes.EXPENSE_READ));
    expect(err).to.include({ kind: 'PERMISSION_DENIED', code: 'SCOPE_REQUIRED' });
    const reader = await access.reader(service(Scopes.EXPENSE_READ), familyId, Scopes.EXPENSE_READ);
    expect(reader).to.include({ service: true, isParent: true, memberId: '', token: 'service-token' });
    expect(reader.family.currency).to.equal('EUR');
    // A service may read but never act: writes go through actor(), which wants a user.
    const write = await rejection(access.actor(service(Scopes.EXPENSE_READ), familyId));
    expect(write.kind).to.equal('PERMISSION_DENIED');
    const caller: Caller = { kind: 'anonymous' };
    expect((await rejection(access.reader(caller, familyId, Scopes.EXPENSE_READ))).kind).to.equal('UNAUTHENTICATED');
  });

  it('asks auth for settings once, then answers from memory and from its own store', async () => {
    await Promise.all([access.actor(asParent(), familyId), access.actor(asChild(), familyId)]);
    await access.reader(service(Scopes.EXPENSE_READ), familyId, Scopes.EXPENSE_READ);
    expect(familyFetches).to.deep.equal([[familyId]]);
    expect(families.fetchCount).to.equal(1);
    expect(store.rows.get(familyId)).to.deep.equal({ familyId, currency: 'EUR', timezone: 'Europe/Berlin' });

    // Another replica (or a restart) reads the stored copy without asking auth.
    const restarted = directory();
    expect(await restarted.settings(familyId)).to.deep.equal(store.rows.get(familyId));
    expect(restarted.fetchCount).to.equal(0);
    expect(await restarted.known()).to.have.length(1);
  });

  it('answers NOT_FOUND for a family auth does not know', async () => {
    const unknown = randomUUID();
    const err = await rejection(access.actor(user([[unknown, randomUUID(), 'OWNER']]), unknown));
    expect(err).to.include({ kind: 'NOT_FOUND' });
    expect(store.rows.has(unknown)).to.equal(false);
  });

  it("drops a family's cached members after a member event, and only then", async () => {
    const pat = await access.actor(asParent(), familyId);
    await access.member(pat, child.id);
    await access.member(pat, sibling.id);
    expect(memberFetches).to.equal(1);

    families.handleEvent({ type: 'expense.created', familyId });
    await access.member(pat, child.id);
    expect(memberFetches).to.equal(1);

    for (const type of ['member.joined', 'member.removed', 'member.role_changed']) {
      families.handleEvent({ type, familyId });
      await access.member(pat, child.id);
    }
    expect(memberFetches).to.equal(4);
  });
});
