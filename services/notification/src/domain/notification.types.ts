// The notification domain's vocabulary: categories, channels, notifications, preferences.
export const CATEGORIES = [
  'BUDGET',
  'SPENDING_LIMIT',
  'CHORES',
  'GOALS',
  'ALLOWANCE',
  'ACHIEVEMENTS',
  'BANK',
  'FAMILY',
  'SECURITY',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Categories whose notifications can be news about a child (what a parent chooses per child). */
export const CHILD_NEWS_CATEGORIES = [
  'SPENDING_LIMIT',
  'CHORES',
  'GOALS',
  'ALLOWANCE',
  'ACHIEVEMENTS',
] as const satisfies readonly Category[];

export const CHANNELS = ['IN_APP', 'PUSH', 'EMAIL', 'SMS'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface StoredNotification {
  id: string;
  userId: string;
  familyId: string;
  category: Category;
  title: string;
  body: string;
  data: Record<string, string>;
  /** ISO instant. */
  createdAt: string;
  urgent: boolean;
  eventId: string;
}

export interface InboxItem extends StoredNotification {
  readAt?: string;
}

export interface QuietHours {
  enabled: boolean;
  start: string;
  end: string;
  /** Empty: the family's zone. */
  timezone: string;
}

export interface ChannelSetting {
  category: Category;
  channel: Channel;
  enabled: boolean;
}

export interface Preferences {
  settings: ChannelSetting[];
  quietHours: QuietHours;
  dailyDigest: boolean;
  urgentOverride: boolean;
  updatedAt?: string;
}

/** What a child may receive (shared by the family's parents). */
export interface ChildSettings {
  memberId: string;
  settings: ChannelSetting[];
  updatedByMemberId: string;
  updatedAt?: string;
}

/** What one parent hears about one child. */
export interface ChildNewsSettings {
  memberId: string;
  parentMemberId: string;
  settings: ChannelSetting[];
  smsEscalation: boolean;
  updatedAt?: string;
}

export interface Device {
  id: string;
  platform: 'IOS' | 'ANDROID' | 'WEB';
  expoPushToken: string;
  name: string;
  appVersion: string;
  createdAt: string;
  lastSeenAt: string;
}
