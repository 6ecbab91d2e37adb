// The caller's push devices, and the push worker's removal of tokens Expo no longer accepts.
import { AppError, charLength, Violations } from '@family/errors';
import { newId } from '@family/db';
import { requireScope, requireUser, type Caller } from '@family/grpc-kit';
import { Scopes } from '@family/service-kit';
import type { Device } from '../domain/notification.types.js';
import type { DevicesStore } from '../store/devices.store.js';

const EXPO_TOKEN = /^Expo(nent)?PushToken\[[^\]]+\]$/;

export class DevicesUseCases {
  constructor(
    private readonly store: DevicesStore,
    private readonly clock: () => Date,
  ) {}

  async register(
    caller: Caller,
    input: { expoPushToken: string; platform: Device['platform'] | undefined; name: string; appVersion: string },
  ): Promise<Device> {
    const user = requireUser(caller);
    const v = new Violations();
    v.check(EXPO_TOKEN.test(input.expoPushToken), 'expoPushToken', 'must be an Expo push token');
    v.check(!!input.platform, 'platform', 'must be IOS, ANDROID or WEB');
    v.check(charLength(input.name) <= 100, 'name', 'must be at most 100 characters');
    v.check(input.appVersion.length <= 50, 'appVersion', 'must be at most 50 characters');
    v.throwIfAny();
    const now = this.clock().toISOString();
    const owner = await this.store.owner(input.expoPushToken);
    const existing = owner?.userId === user.userId ? await this.store.get(user.userId, owner.deviceId) : undefined;
    const device: Device = {
      id: existing?.id ?? newId(),
      platform: input.platform!,
      expoPushToken: input.expoPushToken,
      name: input.name,
      appVersion: input.appVersion,
      createdAt: existing?.createdAt ?? now,
      lastSeenAt: now,
    };
    await this.store.put(user.userId, device);
    return device;
  }

  async unregister(caller: Caller, deviceId: string): Promise<void> {
    const user = requireUser(caller);
    if (!deviceId) throw AppError.invalidField('deviceId', 'is required');
    const device = await this.store.get(user.userId, deviceId);
    if (!device) throw AppError.notFound('Device');
    await this.store.remove(user.userId, device);
  }

  async list(caller: Caller): Promise<Device[]> {
    return this.store.list(requireUser(caller).userId);
  }

  async tokensOf(userId: string): Promise<string[]> {
    return (await this.store.list(userId)).map((d) => d.expoPushToken);
  }

  async removeToken(caller: Caller, token: string): Promise<boolean> {
    requireScope(caller, Scopes.NOTIFICATIONS_DELIVER);
    if (!token) throw AppError.invalidField('expoPushToken', 'is required');
    const owner = await this.store.owner(token);
    if (!owner) return false;
    const device = await this.store.get(owner.userId, owner.deviceId);
    if (!device) return false;
    await this.store.remove(owner.userId, device);
    return true;
  }
}
