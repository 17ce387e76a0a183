// The offers waiting for the agent's answer, shown as the live events
// make and end them.
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useCallback, useEffect, useRef, useState } from "react";
import { client, settle, type Channel, type Offer, type User } from "../../api";
import { liveEvents } from "../../events";
import { useNow } from "../../hooks";
import { useT, type TextKey } from "../../i18n";
import { chime } from "../../sound";

export function Offers({ user, queueName }: { user: User; queueName: (id: number) => string }) {
  const { t } = useT();
  const [offers, setOffers] = useState<Offer[]>([]);
  const now = useNow(250);

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
        if (!shown) chime();
        shown = true;
        show(o);
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
    [show],
  );
  const reload = useCallback(() => {
    void settle(client.GET("/api/v1/offers")).then((result) => {
      if (result.ok) setOffers(result.value);
    });
  }, []);
  useEffect(() => {
    reload();
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
        };
        announce(offer);
      } else {
        gone.current.add(id);
        setOffers((shown) => shown.filter((o) => o.id !== id));
      }
    });
  }, [reload, announce, user.id]);

  const answer = async (offer: Offer, accept: boolean) => {
    const init = { params: { path: { id: offer.id } } };
    const result = accept
      ? await settle(client.POST("/api/v1/offers/{id}/accept", init))
      : await settle(client.POST("/api/v1/offers/{id}/reject", init));
    // Answered (or gone meanwhile): no longer an offer, whatever the event says later.
    if (result.ok || result.error.status === 404) {
      gone.current.add(offer.id);
      setOffers((shown) => shown.filter((o) => o.id !== offer.id));
    }
  };

  if (offers.length === 0) return null;
  return (
    <section aria-labelledby="offers-title" className="fr-mb-4w">
      <h2 id="offers-title" className="fr-h4">
        {t("offer.title")}
      </h2>
      {offers.map((offer) => {
        const remaining = Math.max(0, (Date.parse(offer.deadline) - now) / 1000);
        return (
          <div
            key={offer.id}
            role="alertdialog"
            aria-labelledby={`offer-${offer.id}-title`}
            className="fr-callout fr-callout--orange-terre-battue fr-mb-2w guichet-offer"
          >
            <h3 id={`offer-${offer.id}-title`} className="fr-callout__title fr-h5">
              {t(`channel.${offer.channel}` as TextKey)} — {queueName(offer.queue_id)}
            </h3>
            <p className="fr-callout__text fr-text--md">
              {t("offer.citizen")} :{" "}
              {offer.citizen_name || (offer.citizen_id ? `#${offer.citizen_id}` : t("offer.anonymous"))}
              <br />
              {t("offer.remaining")} : <strong>{Math.ceil(remaining)} s</strong>
            </p>
            <progress
              max={30}
              value={Math.min(30, remaining)}
              aria-label={t("offer.remaining")}
              className="guichet-countdown"
            />
            <div className="fr-btns-group fr-btns-group--inline fr-mt-2w">
              <Button
                iconId="fr-icon-check-line"
                onClick={() => void answer(offer, true)}
                nativeButtonProps={{ autoFocus: true }}
              >
                {t("offer.accept")}
              </Button>
              <Button
                priority="secondary"
                iconId="fr-icon-close-line"
                onClick={() => void answer(offer, false)}
              >
                {t("offer.decline")}
              </Button>
            </div>
          </div>
        );
      })}
    </section>
  );
}
