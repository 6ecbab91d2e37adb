// The family's categories, every page of them (a new family already has more defaults than one page
// holds): the one way each screen reads them.
import { pages, type components } from '@family/sdk';
import { useLoad } from '../components/ui';
import { unwrap } from './problem';
import { useSession } from './session';

export type Category = components['schemas']['Category'];

export function useCategories() {
  const session = useSession();
  const familyId = session.family?.id ?? '';
  return useLoad(async () => {
    if (!familyId) return [];
    const all: Category[] = [];
    for await (const category of pages((cursor) =>
      session.client.rest
        .GET('/v1/families/{familyId}/categories', {
          params: { path: { familyId }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
        })
        .then(unwrap),
    )) {
      all.push(category);
    }
    return all;
  }, [familyId]);
}
