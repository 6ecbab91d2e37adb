// Users' push devices: a HASH per user (device id → device) and a token index (token → owner), so a
// token registered again moves to its new user and the push worker can remove a dead token.
import type { RedisClient, RedisKeys } from './redis.client.js';
import type { Device } from '../domain/notification.types.js';

export class DevicesStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async list(userId: string): Promise<Device[]> {
    const all = await this.redis.hVals(this.keys.devices(userId));
    return all.map((d) => JSON.parse(d) as Device).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async owner(token: string): Promise<{ userId: string; deviceId: string } | undefined> {
    const raw = await this.redis.get(this.keys.deviceToken(token));
    if (!raw) return undefined;
    const [userId, deviceId] = raw.split(' ');
    return { userId: userId!, deviceId: deviceId! };
  }

  async get(userId: string, deviceId: string): Promise<Device | undefined> {
    const raw = await this.redis.hGet(this.keys.devices(userId), deviceId);
    return raw ? (JSON.parse(raw) as Device) : undefined;
  }

  /** Saves the device for the user, taking the token away from any previous owner. */
  async put(userId: string, device: Device): Promise<void> {
    const previous = await this.owner(device.expoPushToken);
    const multi = this.redis.multi();
    if (previous && (previous.userId !== userId || previous.deviceId !== device.id)) {
      multi.hDel(this.keys.devices(previous.userId), previous.deviceId);
    }
    multi
      .hSet(this.keys.devices(userId), device.id, JSON.stringify(device))
      .set(this.keys.deviceToken(device.expoPushToken), `${userId} ${device.id}`);
    await multi.exec();
  }

  async remove(userId: string, device: Device): Promise<void> {
    await this.redis
      .multi()
      .hDel(this.keys.devices(userId), device.id)
      .del(this.keys.deviceToken(device.expoPushToken))
      .exec();
  }
}
