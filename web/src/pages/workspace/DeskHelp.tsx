// What the desk does without being asked, said on screen: the keyboard
// shortcuts, and desktop notifications for offers when the tab is not in
// view (the browser asks the agent's permission, once).
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useState } from "react";
import { useT } from "../../i18n";

const supported = () => typeof window !== "undefined" && "Notification" in window;

// A notification for what needs the agent while the tab is hidden (another
// tab, a minimised window); clicking it brings the desk back. Nothing
// when not allowed, or when the desk is in view (it says it already).
export function notifyDesktop(title: string, body: string, tag: string): void {
  if (!supported() || Notification.permission !== "granted" || !document.hidden) return;
  try {
    const shown = new Notification(title, { body, tag });
    shown.onclick = () => {
      window.focus();
      shown.close();
    };
  } catch {
    // Some browsers allow notifications from a service worker only: the
    // ring and the tab's title remain.
  }
}

export function DeskHelp() {
  const { t } = useT();
  const [permission, setPermission] = useState<NotificationPermission | "unsupported">(
    supported() ? Notification.permission : "unsupported",
  );
  const ask = async () => {
    if (!supported()) return;
    setPermission(await Notification.requestPermission());
  };
  return (
    <section className="fr-mt-3w" aria-labelledby="desk-help-title">
      <h2 id="desk-help-title" className="fr-h6 fr-mb-1w">
        {t("shortcuts.title")}
      </h2>
      <ul className="fr-text--sm">
        <li>
          <kbd>Alt</kbd>+<kbd>{t("shortcuts.shift")}</kbd>+<kbd>A</kbd> : {t("shortcuts.offersShort")}
        </li>
        <li>
          <kbd>{t("shortcuts.enter")}</kbd> : {t("shortcuts.sendShort")}
        </li>
        <li>
          <kbd>{t("shortcuts.shift")}</kbd>+<kbd>{t("shortcuts.enter")}</kbd> : {t("shortcuts.newlineShort")}
        </li>
      </ul>
      {permission === "default" && (
        <Button size="small" priority="secondary" iconId="fr-icon-notification-3-line" iconPosition="left" onClick={() => void ask()}>
          {t("notify.enable")}
        </Button>
      )}
      {permission === "granted" && <p className="fr-text--xs">{t("notify.enabled")}</p>}
      {permission === "denied" && <p className="fr-text--xs">{t("notify.denied")}</p>}
      {permission === "unsupported" && <p className="fr-text--xs">{t("notify.unsupported")}</p>}
    </section>
  );
}
