'use client';
// The root: to the parent's overview, the child's home, or the login page.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { Loading } from '../components/ui';
import { useSession } from '../lib/session';

export default function Home() {
  const { ready, user, family, isParent } = useSession();
  const router = useRouter();
  useEffect(() => {
    if (!ready) return;
    router.replace(!user ? '/login' : !family ? '/family/new' : isParent ? '/dashboard' : '/child');
  }, [ready, user, family, isParent, router]);
  return (
    <main id="main">
      <Loading />
    </main>
  );
}
