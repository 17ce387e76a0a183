// The offers waiting for the agent's answer, shown as the live events
// make and end them. An offer never takes the focus nor moves the page: an
// agent typing a reply in one conversation went on typing into "Accepter"
// (the space bar accepted it, the rest of the sentence was lost), and the
// card pushed the conversation down. It shows in a corner of its own,
// announced to screen readers, in the tab's title, with a ring repeated
// while it waits and a desktop notification (when allowed) if the tab is
// not in view; Alt+Maj+A brings the keyboard to it. An offer that goes without the agent's answer
// (expired, withdrawn) is said in words.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useCallback, useEffect, useRef, useState } from "react";
import { client, settle, type Channel, type Offer, type User } from "../../api";
import { liveEvents } from "../../events";
import { useNow } from "../../hooks";
import { useT, type TextKey } from "../../i18n";
import { chime } from "../../sound";
import { notifyDesktop } from "./DeskHelp";

// The shortcut to the offers, from anywhere in the workspace.
export const isOffersShortcut = (e: KeyboardEvent) =>
  e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && e.code === "KeyA";

// The ring again while an offer waits unanswered: one chime was missed by
// an agent away from the screen for a moment.
const RING_EVERY_MS = 4000;

export function Offers({
  user,
  queueName,
  agentName,
}: {
  user: User;
  queueName: (id: number) => string;
  agentName: (id: number) => string;
}) {
  const { t } = useT();
  const [offers, setOffers] = useState<Offer[]>([]);
  // What the agent is told: an offer arrived, or went without their answer.
  const [notice, setNotice] = useState<{ text: string; gone: boolean } | null>(null);
  const region = useRef<HTMLElement>(null);
  const now = useNow(250);
  const shown = useRef<Offer[]>([]);
  shown.current = offers;
  const describe = useCallback(
    (offer: Offer) => `${t(`channel.${offer.channel}` as TextKey)} — ${queueName(offer.queue_id)}`,
    [t, queueName],
  );

  // The offers are read once (and again after a reset); then each live
  // event says what changed: an offer made is shown from the event itself,
  // an offer answered, expired or withdrawn goes. Only the citizen's name is
  // asked for: the offer waits for it a moment (an agent decides on it),
  // then shows without it, named when it comes.
  const gone = useRef(new Set<number>());  // answered, expired, withdrawn: never shown again
  const show = useCallback((offer: Offer) => {
    if (gone.current.has(offer.id)) return;
    setOffers((shown) => {
      const known = shown.find((o) => o.id === offer.id);
      if (!known) return [...shown, offer];
      return known.citizen_name ? shown : shown.map((o) => (o.id === offer.id ? offer : o));
    });
  }, []);
  const announce = useCallback(
    (offer: Offer) => {
      let shown = false;
      const showOnce = (o: Offer) => {
        if (shown) return show(o);
        shown = true;
        chime();
        notifyDesktop(t("offer.title"), describe(o), `offer-${o.id}`);
        show(o);
        if (!gone.current.has(o.id)) {
          setNotice({ text: `${t("offer.title")} : ${describe(o)}. ${t("offer.shortcut")}`, gone: false });
        }
      };
      if (!offer.citizen_id) return showOnce(offer);
      const fallback = window.setTimeout(() => showOnce(offer), 300);
      const request = client.GET("/api/v1/citizens/{id}", {
        params: { path: { id: offer.citizen_id } },
      });
      void settle(request).then((result) => {
        window.clearTimeout(fallback);
        showOnce(result.ok ? { ...offer, citizen_name: result.value.name } : offer);
      });
    },
    [show, t, describe],
  );
  // What the server holds, as of the request: an offer an event showed
  // meanwhile stays (a read sent before it came answered without it, and
  // the offer vanished from the screen while the agent had it).
  const reload = useCallback(() => {
    const asked = new Set(shown.current.map((o) => o.id));
    void settle(client.GET("/api/v1/offers")).then((result) => {
      if (!result.ok) return;
      setOffers((current) => {
        const read = result.value.filter((o) => !gone.current.has(o.id));
        const since = current.filter((o) => !asked.has(o.id) && !read.some((r) => r.id === o.id));
        return [...read, ...since];
      });
    });
  }, []);
  // Read once, and again after a "reset" (events were lost): not each time
  // the page around re-renders.
  useEffect(reload, [reload]);
  useEffect(() => {
    return liveEvents.subscribe((event) => {
      if (event.type === "reset") return reload();
      if (event.agent_id !== user.id || event.offer_id === undefined) return;
      const id = event.offer_id;
      if (event.type === "offered") {
        const offer: Offer = {
          id,
          interaction_id: event.interaction_id ?? 0,
          queue_id: event.queue_id ?? 0,
          channel: (event.channel ?? "task") as Channel,
          citizen_id: event.citizen_id ?? 0,
          citizen_name: "", // not known yet: announce asks for it
          deadline: event.deadline ?? event.at,
          ...(typeof event.transferred_by === "number"
            ? { transferred_by: event.transferred_by, transfer_note: String(event.transfer_note ?? "") }
            : {}),
        };
        announce(offer);
      } else {
        const left = shown.current.find((o) => o.id === id);
        // Expired or withdrawn while shown, not answered here: say so.
        if (left && !gone.current.has(id) && (event.type === "offer_timeout" || event.type === "offer_revoked")) {
          const why = event.type === "offer_timeout" ? t("offer.timedOut") : t("offer.revoked");
          setNotice({ text: `${describe(left)} : ${why}`, gone: true });
        }
        gone.current.add(id);
        setOffers((shown) => shown.filter((o) => o.id !== id));
      }
    });
  }, [reload, announce, user.id, t, describe]);

  // The tab's title counts the offers waiting (another tab, a minimised window).
  useEffect(() => {
    if (offers.length === 0) return;
    const title = document.title;
    document.title = `(${offers.length}) ${t("offer.title")} — ${title}`;
    return () => {
      document.title = title;
    };
  }, [offers.length, t]);

  // Silenced for the offers waiting now; the next offer rings again.
  const [muted, setMuted] = useState(false);
  useEffect(() => {
    if (offers.length === 0) setMuted(false);
  }, [offers.length]);
  const ringing = offers.length > 0 && !muted;
  useEffect(() => {
    if (!ringing) return;
    const ring = window.setInterval(chime, RING_EVERY_MS);
    return () => window.clearInterval(ring);
  }, [ringing]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isOffersShortcut(e) || !region.current) return;
      e.preventDefault();
      region.current.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const answer = async (offer: Offer, accept: boolean) => {
    const init = { params: { path: { id: offer.id } } };
    const result = accept
      ? await settle(client.POST("/api/v1/offers/{id}/accept", init))
      : await settle(client.POST("/api/v1/offers/{id}/reject", init));
    // Answered (or gone meanwhile): no longer an offer, whatever the event says later.
    if (result.ok || result.error.status === 404) {
      gone.current.add(offer.id);
      setOffers((shown) => shown.filter((o) => o.id !== offer.id));
      setNotice(null);
    }
  };

  return (
    <>
      {/* Polite, and always there (a live region that appears with its text
          is not read): read once the agent pauses, never interrupting. */}
      <p role="status" className="fr-sr-only">
        {notice?.text ?? ""}
      </p>
      <section
        ref={region}
        tabIndex={-1}
        aria-labelledby="offers-title"
        className="guichet-offers"
        hidden={offers.length === 0 && !notice?.gone}
      >
      <h2 id="offers-title" className="fr-h5 fr-mb-1w">
        {t("offer.title")}
      </h2>
      {notice?.gone && (
        <div className="fr-mb-1w">
          <p className="fr-mb-1w">{notice.text}</p>
          <Button priority="tertiary" size="small" onClick={() => setNotice(null)}>
            {t("offer.dismiss")}
          </Button>
        </div>
      )}
      {offers.map((offer) => {
        const remaining = Math.max(0, (Date.parse(offer.deadline) - now) / 1000);
        return (
          <div
            key={offer.id}
            role="group"
            aria-labelledby={`offer-${offer.id}-title`}
            className="fr-callout fr-callout--orange-terre-battue fr-mb-1w guichet-offer"
          >
            <h3 id={`offer-${offer.id}-title`} className="fr-callout__title fr-h6">
              {describe(offer)}
            </h3>
            <p className="fr-callout__text fr-text--sm">
              {t("offer.citizen")} :{" "}
              {offer.citizen_name || (offer.citizen_id ? `#${offer.citizen_id}` : t("offer.anonymous"))}
              <br />
              {t("offer.remaining")} : <strong>{Math.ceil(remaining)} s</strong>
            </p>
            {offer.transferred_by !== undefined && (
              <p className="fr-callout__text fr-text--sm">
                {t("offer.transferredBy")} : {agentName(offer.transferred_by)}
                {offer.transfer_note && (
                  <>
                    <br />
                    {t("offer.transferNote")} : « {offer.transfer_note} »
                  </>
                )}
              </p>
            )}
            <progress
              max={30}
              value={Math.min(30, remaining)}
              aria-label={t("offer.remaining")}
              className="guichet-countdown"
            />
            <div className="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-btns-group--icon-left fr-mt-1w">
              <Button
                iconId="fr-icon-check-line"
                iconPosition="left"
                onClick={() => void answer(offer, true)}
              >
                {t("offer.accept")}
              </Button>
              <Button
                priority="secondary"
                iconId="fr-icon-close-line"
                iconPosition="left"
                onClick={() => void answer(offer, false)}
              >
                {t("offer.decline")}
              </Button>
            </div>
          </div>
        );
      })}
      {offers.length > 0 &&
        (muted ? (
          <p className="fr-text--xs fr-mb-1w">{t("offer.muted")}</p>
        ) : (
          <Button
            priority="tertiary no outline"
            size="small"
            iconId="fr-icon-volume-mute-line"
            iconPosition="left"
            onClick={() => setMuted(true)}
          >
            {t("offer.mute")}
          </Button>
        ))}
      {offers.length > 0 && <p className="fr-text--xs fr-mb-0">{t("offer.shortcut")}</p>}
      </section>
    </>
  );
}
