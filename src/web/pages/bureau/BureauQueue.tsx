import { Queue } from '../review/Queue.tsx';

export default function BureauQueue() {
  return <Queue audience="bureau" title="review.bureauQueue" defaultStatus="bureau_review" statuses={['bureau_review', 'bureau_rejected', 'approved']} />;
}
