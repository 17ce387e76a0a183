// Durations that tick every second without re-rendering React trees: one
// interval for the whole page writes the text of the <Since> cells that are
// on screen (an IntersectionObserver tracks them); a cell scrolled into view
// is brought up to date at once. With 2,000 agents, a second's tick touches
// a screenful of cells instead of relaying out a 2,000-row table.
import { useEffect, useRef } from "react";
import { formatDuration } from "./i18n";

const since = new Map<Element, number>(); // cell → since (ms since epoch)
const visible = new Set<Element>();
let timer: number | undefined;
let observer: IntersectionObserver | undefined;

function show(element: Element) {
  const start = since.get(element);
  if (start !== undefined) element.textContent = formatDuration((Date.now() - start) / 1000);
}

function tick() {
  for (const element of visible) show(element);
}

function watch(element: Element) {
  observer ??= new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) {
        visible.add(entry.target);
        show(entry.target);
      } else {
        visible.delete(entry.target);
      }
    }
  });
  observer.observe(element);
  timer ??= window.setInterval(tick, 1000);
}

function unwatch(element: Element) {
  observer?.unobserve(element);
  visible.delete(element);
  since.delete(element);
  if (since.size === 0) {
    window.clearInterval(timer);
    timer = undefined;
  }
}

export function Since({ since: start }: { since: number }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const element = ref.current!;
    since.set(element, start);
    show(element);
    watch(element);
    return () => unwatch(element);
  }, [start]);
  return <span ref={ref} />;
}
