// The administration: a side menu and the settings page the path names
// (/admin/queues, /admin/skills, …; /admin alone shows the queues).
// Supervisors and administrators configure; only administrators see users.
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { SideMenu } from "@codegouvfr/react-dsfr/SideMenu";
import { useEffect } from "react";
import type { User } from "../../api";
import { linkTo, usePath } from "../../router";
import { CalendarsPage } from "./CalendarsPage";
import { IdentityPage } from "./IdentityPage";
import { IvrFlowsPage } from "./IvrFlowsPage";
import { KnowledgePage } from "./KnowledgePage";
import { MailboxesPage } from "./MailboxesPage";
import { QueuesPage } from "./QueuesPage";
import { SimpleListPage } from "./SimpleListPage";
import { UsersPage } from "./UsersPage";
import { useAdminT, type AdminKey } from "./texts";

const SECTIONS = [
  { slug: "queues", title: "admin.queues" },
  { slug: "skills", title: "admin.skills" },
  { slug: "wrapup-codes", title: "admin.wrapupCodes" },
  { slug: "pause-reasons", title: "admin.pauseReasons" },
  { slug: "canned-responses", title: "admin.canned" },
  { slug: "knowledge", title: "admin.knowledge" },
  { slug: "calendars", title: "admin.calendars" },
  { slug: "ivr-flows", title: "admin.ivr" },
  { slug: "mailboxes", title: "admin.mailboxes" },
  { slug: "users", title: "admin.users" },
  { slug: "identity", title: "admin.identity" },
] as const satisfies readonly { slug: string; title: AdminKey }[];

type Slug = (typeof SECTIONS)[number]["slug"];

function sectionOf(path: string): Slug {
  const slug = path.replace(/^\/admin\/?/, "").replace(/\/.*$/, "");
  return SECTIONS.find((s) => s.slug === slug)?.slug ?? "queues";
}

export function Administration({ user }: { user: User }) {
  const t = useAdminT();
  const path = usePath();
  const isAdmin = user.role === "admin";
  const current = sectionOf(path);
  // Users and the service's identity are the administrators'.
  const adminOnly = (slug: Slug) => slug === "users" || slug === "identity" || slug === "mailboxes";
  const sections = SECTIONS.filter((s) => !adminOnly(s.slug) || isAdmin);
  const currentTitle = t(SECTIONS.find((s) => s.slug === current)!.title);

  useEffect(() => {
    document.title = `${currentTitle} — ${t("admin.title")} — Guichet`;
  }, [currentTitle, t]);

  let page: React.ReactNode;
  switch (current) {
    case "queues":
      page = <QueuesPage />;
      break;
    case "calendars":
      page = <CalendarsPage />;
      break;
    case "ivr-flows":
      page = <IvrFlowsPage />;
      break;
    case "knowledge":
      page = <KnowledgePage />;
      break;
    case "users":
    case "identity":
    case "mailboxes":
      page = !isAdmin ? (
        <Alert severity="info" small description={t("admin.adminOnly")} />
      ) : current === "users" ? (
        <UsersPage />
      ) : current === "mailboxes" ? (
        <MailboxesPage />
      ) : (
        <IdentityPage />
      );
      break;
    default:
      page = <SimpleListPage key={current} kind={current} />;
  }

  return (
    <>
      <h1>{t("admin.title")}</h1>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-3">
          <SideMenu
            id="admin-menu"
            title={t("admin.menu")}
            burgerMenuButtonText={t("admin.menuButton")}
            items={sections.map((s) => ({
              text: t(s.title),
              isActive: s.slug === current,
              linkProps: linkTo(`/admin/${s.slug}`),
            }))}
          />
        </div>
        <div className="fr-col-12 fr-col-md-9">
          {/* Not the stretched column itself: a card's 100 % height would follow it. */}
          <div>{page}</div>
        </div>
      </div>
    </>
  );
}
