// Days of the week on the wire: MONDAY … SUNDAY in REST, DAY_OF_WEEK_* in the goals contract (chore
// recurrences and allowance paydays share it).
import { DayOfWeek } from '@family/contracts/goals/v1/goals';
import { protoEnum } from './proto.enum.js';

export const Weekday = protoEnum(
  DayOfWeek,
  'DAY_OF_WEEK_',
  ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'],
  'DayOfWeek',
);
