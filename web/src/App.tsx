import { Footer } from "@codegouvfr/react-dsfr/Footer";
import { Header } from "@codegouvfr/react-dsfr/Header";
import { SkipLinks } from "@codegouvfr/react-dsfr/SkipLinks";
import { lazy, Suspense, useEffect, useState } from "react";
import { logout, whoami, type User } from "./api";
import { liveEvents } from "./events";
import { useT } from "./i18n";
import { useIdentity } from "./identity";
import { Login } from "./pages/Login";
import { linkTo, navigate, usePath } from "./router";

// Each page its own script, loaded when it is first shown: the login page
// does not wait for the wallboard's charts or the administration's forms
// (a 2 Mbit/s line took 5.7 s to the login form with one 687 KB script).
const AgentWorkspace = lazy(() =>
  import("./pages/AgentWorkspace").then((m) => ({ default: m.AgentWorkspace })),
);
const Wallboard = lazy(() => import("./pages/Wallboard").then((m) => ({ default: m.Wallboard })));
const Reports = lazy(() => import("./pages/Reports").then((m) => ({ default: m.Reports })));
const Administration = lazy(() =>
  import("./pages/admin/Administration").then((m) => ({ default: m.Administration })),
);

// The page a role lands on.
function home(user: User): string {
  return user.role === "agent" ? "/agent" : "/supervision";
}

function NotFound() {
  const { t } = useT();
  return (
    <>
      <h1>{t("notFound.title")}</h1>
      <p>{t("notFound.text")}</p>
      <a className="fr-link" {...linkTo("/")}>
        {t("notFound.home")}
      </a>
    </>
  );
}

export function App() {
  const { t, lang, setLang } = useT();
  const path = usePath();
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const { identity } = useIdentity();

  useEffect(() => {
    void whoami().then(setUser);
  }, []);

  // One WebSocket for the whole tab while logged in.
  useEffect(() => {
    if (!user) return;
    liveEvents.start();
    return () => liveEvents.stop();
  }, [user]);

  useEffect(() => {
    if (user === null && path !== "/login") navigate("/login");
    if (user && (path === "/" || path === "/login")) navigate(home(user));
  }, [user, path]);

  // Each page its own title (the tab, the history, a screen reader's first
  // words): it said "Guichet" on most pages.
  useEffect(() => {
    const titles: [boolean, string][] = [
      [user === null, t("login.title")],
      [path === "/agent", t("nav.agent")],
      [path === "/supervision", t("nav.wallboard")],
      [path === "/reports", t("nav.reports")],
      [path === "/admin" || path.startsWith("/admin/"), t("nav.admin")],
    ];
    const found = titles.find(([matches]) => matches);
    document.title = found ? `${found[1]} — Guichet` : "Guichet";
    // Not on `t`, a new function at each render: the offers' count in the
    // title would be written over.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, user === null, lang]);

  const manager = user?.role === "supervisor" || user?.role === "admin";
  const navigation = !user
    ? []
    : [
        { text: t("nav.agent"), linkProps: linkTo("/agent"), isActive: path === "/agent" },
        ...(manager
          ? [
              {
                text: t("nav.wallboard"),
                linkProps: linkTo("/supervision"),
                isActive: path === "/supervision",
              },
              { text: t("nav.reports"), linkProps: linkTo("/reports"), isActive: path === "/reports" },
              {
                text: t("nav.admin"),
                linkProps: linkTo("/admin"),
                isActive: path === "/admin" || path.startsWith("/admin/"),
              },
            ]
          : []),
      ];

  const quickAccess = [
    {
      iconId: "fr-icon-translate-2" as const,
      text: t("nav.language"),
      buttonProps: {
        title: t("nav.languageTitle"),
        lang: lang === "fr" ? "en" : "fr",
        onClick: () => setLang(lang === "fr" ? "en" : "fr"),
      },
    },
    ...(user
      ? [
          {
            iconId: "fr-icon-logout-box-r-line" as const,
            text: `${t("nav.logout")} (${user.display_name})`,
            buttonProps: {
              onClick: () => {
                void logout().then(() => {
                  liveEvents.stop();
                  setUser(null);
                  navigate("/login");
                });
              },
            },
          },
        ]
      : []),
  ];

  let page: React.ReactNode = <p>{t("common.loading")}</p>;
  if (user === null) {
    page = (
      <Login
        onLoggedIn={(logged) => {
          setUser(logged);
          navigate(home(logged));
        }}
      />
    );
  } else if (user) {
    if (path === "/supervision" && manager) page = <Wallboard />;
    else if (path === "/reports" && manager) page = <Reports />;
    else if ((path === "/admin" || path.startsWith("/admin/")) && manager)
      page = <Administration user={user} />;
    else if (path === "/agent") page = <AgentWorkspace user={user} />;
    else page = <NotFound />;
  }

  return (
    <>
      <SkipLinks links={[{ label: t("skip.content"), anchor: "#content" }]} />
      <Header
        // The "République française" block (Marianne, the motto) is the
        // State's: another operator shows its own name in its place.
        className={identity.state_service ? undefined : "guichet-operator"}
        brandTop={
          identity.state_service ? (
            <>
              République
              <br />
              Française
            </>
          ) : (
            identity.name || "Guichet"
          )
        }
        operatorLogo={
          identity.logo_url
            ? { imgUrl: identity.logo_url, alt: identity.name || "Guichet", orientation: "horizontal" }
            : undefined
        }
        homeLinkProps={{ ...linkTo(user ? home(user) : "/login"), title: t("app.home") }}
        serviceTitle="Guichet"
        serviceTagline={identity.state_service && identity.name ? identity.name : t("app.tagline")}
        quickAccessItems={quickAccess}
        navigation={navigation}
        // The colours follow the system's (startReactDsfr): no display
        // settings dialog, whose three pictures every page loaded (10 KB).
        disableDisplay
      />
      <main id="content" tabIndex={-1} className="fr-container fr-py-4w">
        <Suspense fallback={<p>{t("common.loading")}</p>}>{page}</Suspense>
      </main>
      <Footer
        className={identity.state_service ? undefined : "guichet-operator"}
        accessibility={identity.accessibility}
        contentDescription={identity.name ? `${identity.name} — ${t("app.tagline")}` : t("app.tagline")}
        accessibilityLinkProps={identity.accessibility_url ? { href: identity.accessibility_url } : undefined}
        termsLinkProps={identity.legal_notice_url ? { href: identity.legal_notice_url } : undefined}
        bottomItems={
          identity.personal_data_url
            ? [{ text: t("footer.personalData"), linkProps: { href: identity.personal_data_url } }]
            : []
        }
        // The State's sites, for a State service only.
        domains={identity.state_service ? undefined : []}
      />
    </>
  );
}
