'use client';
// The root: to the parent's overview, the child's home, or the login page. A session that could not be
// read is not sent to the login page: the overview's frame says why and offers to try again.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { Loading } from '../components/ui';
import { useSession } from '../lib/session';

export default function Home() {
  const { ready, user, family, isParent, loadError } = useSession();
  const router = useRouter();
  useEffect(() => {
    if (!ready) return;
    router.replace(
      !user
        ? loadError === undefined
          ? '/login'
          : '/dashboard'
        : !family
          ? '/family/new'
          : isParent
            ? '/dashboard'
            : '/child',
    );
  }, [ready, user, family, isParent, loadError, router]);
  return (
    <main id="main">
      <Loading />
    </main>
  );
}
