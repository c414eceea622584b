/**
 * Something the model must do at a moment in virtual time: an instance finishing its boot, a
 * target finishing draining. `token` lets the owner ignore events made stale by a later change.
 */
export interface ScheduledEvent {
  at: number;
  kind: "lifecycle" | "drained" | "forget";
  instanceId: string;
  token: number;
  targetGroupArn?: string;
}

/**
 * Events ordered by time (then by scheduling order, so equal times replay deterministically).
 * The cloud never runs timers: before answering a call it drains every event due by now, which
 * keeps hours of virtual time as cheap as the changes within them. A binary heap, hand-rolled
 * because it is twenty lines and the project has no priority-queue dependency to lean on.
 */
export class EventQueue {
  private readonly heap: { event: ScheduledEvent; seq: number }[] = [];
  private seq = 0;

  push(event: ScheduledEvent): void {
    this.heap.push({ event, seq: this.seq++ });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes and returns the earliest event due at or before `now`, if any. */
  popDue(now: number): ScheduledEvent | undefined {
    const top = this.heap[0];
    if (top === undefined || top.event.at > now) return undefined;
    const last = this.heap.pop();
    if (last !== undefined && this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top.event;
  }

  private siftDown(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.heap.length && this.before(left, smallest)) smallest = left;
      if (right < this.heap.length && this.before(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.event.at < y.event.at || (x.event.at === y.event.at && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const tmp = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = tmp;
  }
}
