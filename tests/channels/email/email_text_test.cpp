// What the email channel writes and how it reads a citizen's text: a mail
// composed reads back as sent, a bounce names Guichet's mails, the quoted
// history is folded, HTML becomes text; the mailbox document and what is
// kept of threads and the outbox.
#include <gtest/gtest.h>

#include <string>

#include "channels/email/detail/email_channel_impl.h"
#include "channels/email/mail.h"

namespace guichet::email {
namespace {

TEST(ComposeMail, AReplyReadsBackAsSentThreadedAndIn7Bits) {
  OutgoingMail out;
  out.from = {"accueil@mairie.test", "Mairie de Saint-Étienne"};
  out.to = {"lucie@exemple.fr", "Lucie Martin"};
  out.subject = "Re: Acte de naissance – copie intégrale [GU-42]";
  out.message_id = "gu.42.abcdef@mairie.test";
  out.in_reply_to = "lucie-1@exemple.fr";
  out.references = {"lucie-1@exemple.fr", "gu.42.0001@mairie.test"};
  out.date = mail_date(1796625000000);
  out.text = "Bonjour,\n. une ligne qui commence par un point\nCordialement,\n-- \nMairie";
  out.files.push_back({"récépissé.pdf", "application/pdf", "%PDF-1.4 fichier", false, ""});
  out.automatic = true;
  const std::string raw = compose_mail(out);
  for (unsigned char c : raw)
    ASSERT_LT(c, 0x80) << "7-bit all through";
  EXPECT_NE(raw.find("\r\n"), std::string::npos) << "CRLF";
  auto back = parse_mail(raw);
  ASSERT_TRUE(back) << raw;
  EXPECT_EQ(back->subject, out.subject);
  EXPECT_EQ(back->message_id, out.message_id);
  EXPECT_EQ(back->in_reply_to, out.in_reply_to);
  EXPECT_EQ(back->references, out.references);
  ASSERT_TRUE(back->from);
  EXPECT_EQ(back->from->address, "accueil@mairie.test");
  EXPECT_EQ(back->from->name, "Mairie de Saint-Étienne");
  EXPECT_EQ(back->text, out.text);
  ASSERT_EQ(back->files.size(), 1u);
  EXPECT_EQ(back->files[0].name, "récépissé.pdf");
  EXPECT_EQ(back->files[0].content, "%PDF-1.4 fichier");
  EXPECT_EQ(back->automatic, Automatic::kAutoReply) << "an acknowledgement says a machine sent it";
  EXPECT_EQ(reference_in(back->subject), 42u);
}

TEST(ComposeMail, DatesAreWrittenAsRfc5322Wants) {
  EXPECT_EQ(mail_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(mail_date(1796625705000), "Mon, 07 Dec 2026 06:41:45 +0000");
}

TEST(Bounces, NameTheReturnedMailOnlyNotTheEarlierOnesItsReferencesName) {
  const std::string bounce =
      "Content-Type: text/rfc822-headers\r\n\r\nMessage-Id: <gu.12.a1b2c3@mairie.test>\r\n"
      "In-Reply-To: <lucie@exemple.fr>\r\nReferences: <lucie@exemple.fr> "
      "<gu.12.0001@mairie.test>\r\n"
      "X-Bad: Message-ID: <gu.13.x@y>\r\nMessage-ID:\r\n <gu.3.ff@x.fr>\r\nMessage-ID: "
      "<gu.<b>@x>\r\n";
  EXPECT_EQ(guichet_ids_in(bounce),
            (std::vector<std::string>{"gu.12.a1b2c3@mairie.test", "gu.3.ff@x.fr"}))
      << "folded header taken, a header inside another's value not";
  EXPECT_TRUE(guichet_ids_in("nothing of ours <lucie@exemple.fr>").empty());
}

TEST(FreshText, TheQuotedHistoryIsFoldedAway) {
  auto gmail = detail::fresh_text(
      "Merci beaucoup !\r\n\r\nLe lun. 7 déc. 2026 à 10:02, Mairie <accueil@mairie.test> a "
      "écrit :\r\n> Bonjour,\r\n> votre acte…\r\n");
  EXPECT_EQ(gmail.text, "Merci beaucoup !");
  EXPECT_TRUE(gmail.quoted);
  // The attribution wrapped on two lines, then the quote.
  auto wrapped = detail::fresh_text(
      "D'accord.\nLe lun. 7 déc. 2026 à 10:02, Mairie de Saint-Exemple <accueil@mairie.test>\na "
      "écrit :\n> Bonjour");
  EXPECT_EQ(wrapped.text, "D'accord.");
  auto outlook = detail::fresh_text(
      "Voici le document.\n\nDe : Mairie <accueil@mairie.test>\nEnvoyé : lundi 7 décembre\nObjet : "
      "…");
  EXPECT_EQ(outlook.text, "Voici le document.");
  auto english = detail::fresh_text("Thanks\nOn Mon, Dec 7, 2026 at 10:02 Mairie wrote:\n> Hello");
  EXPECT_EQ(english.text, "Thanks");
  // Nothing but a quote (a forward without a word): all of it stays.
  auto only = detail::fresh_text("> un message transféré\n> tel quel");
  EXPECT_EQ(only.text, "> un message transféré\n> tel quel");
  EXPECT_FALSE(only.quoted);
  // "Le" starting an ordinary sentence is the citizen's text.
  auto plain = detail::fresh_text("Le dossier est complet.\nMerci.");
  EXPECT_EQ(plain.text, "Le dossier est complet.\nMerci.");
  EXPECT_FALSE(plain.quoted);
}

TEST(HtmlAsText, BlocksBecomeLinesScriptsAndStylesVanish) {
  EXPECT_EQ(detail::text_of_html("<html><head><title>x</title><style>p{color:red}</style></head>"
                                 "<body><p>Bonjour&nbsp;Madame,</p><div>votre <b>acte</b> &amp; "
                                 "le reste</div><script>alert(1)</script><br>Fin</body></html>"),
            "Bonjour Madame,\nvotre acte & le reste\nFin");
  EXPECT_EQ(detail::text_of_html("<p>un</p>\n\n\n<p>deux</p>"), "un\ndeux");
  EXPECT_EQ(detail::text_of_html("pas de balise"), "pas de balise");
  EXPECT_EQ(detail::text_of_html("<p>coupé <a href="), "coupé") << "a tag cut short";
}

TEST(Text, QuotedLinesAndFirstCharacters) {
  EXPECT_EQ(detail::quoted_lines("un\r\ndeux"), "> un\n> deux");
  EXPECT_EQ(detail::first_characters("été à Noël", 4), "été ");
  EXPECT_EQ(detail::first_characters("abc", 10), "abc");
}

TEST(MailboxDocument, IsReadWithItsFieldsNamed) {
  auto ok = detail::read_mailbox(
      R"({"address":"Accueil@Mairie.test","queue_id":3,"imap_url":"imaps://imap.mairie.test",)"
      R"("smtp_url":"smtp://smtp.mairie.test:587","acknowledge":false})",
      7, "Accueil");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->address, "accueil@mairie.test");
  EXPECT_EQ(ok->queue_id, 3u);
  EXPECT_FALSE(ok->acknowledge);
  EXPECT_TRUE(ok->enabled);
  EXPECT_FALSE(ok->import_existing);
  auto field_of = [](const std::string& body) {
    return detail::read_mailbox(body, 1, "x").error().field;
  };
  EXPECT_EQ(field_of(R"({"address":"pas une adresse","queue_id":1})"), "address");
  EXPECT_EQ(field_of(R"({"address":"a@b.fr"})"), "queue_id");
  EXPECT_EQ(field_of(R"({"address":"a@b.fr","queue_id":1,"imap_url":"http://x"})"), "imap_url");
  EXPECT_EQ(field_of(R"({"address":"a@b.fr","queue_id":1,"imap_url":"imaps://x","smtp_url":"x"})"),
            "smtp_url");
  EXPECT_EQ(field_of("[]"), "body");
}

TEST(Kept, ThreadsAndOutgoingMailsReadBackAsWritten) {
  detail::Thread t;
  t.mailbox = 2;
  t.address = "lucie@exemple.fr";
  t.name = "Lucie « Lulu » Martin";
  t.subject = "Acte";
  t.references = {"a@x", "b@y"};
  t.last_id = "b@y";
  t.last_text = "Bonjour\n\"guillemets\"";
  auto back = detail::Thread::parse(t.json());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->name, t.name);
  EXPECT_EQ(back->references, t.references);
  EXPECT_EQ(back->last_text, t.last_text);
  EXPECT_FALSE(detail::Thread::parse("{"));
  detail::Outgoing o{"outbox:1", 2, 42, 7, "lucie@exemple.fr", "gu.42.x@m", "From: a\r\n\r\nx"};
  auto out = detail::Outgoing::parse("outbox:1", o.json());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->raw, o.raw);
  EXPECT_EQ(out->agent, 7u);
  EXPECT_FALSE(detail::Outgoing::parse("outbox:2", R"({"mailbox":2})")) << "nothing to send";
}

}  // namespace
}  // namespace guichet::email
