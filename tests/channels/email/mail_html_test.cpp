// A mail's HTML as the desk shows it: what formats kept, what could run,
// fetch or mislead left out, whatever the mail's HTML looks like.
#include "channels/email/mail_html.h"

#include <gtest/gtest.h>

#include <string>

namespace guichet::email {
namespace {

std::string body_of(const std::string& html, const HtmlOptions& options = {}) {
  const std::string out = safe_html(html, options).html;
  const auto start = out.find("<body>");
  const auto end = out.rfind("</body>");
  return out.substr(start + 6, end - start - 6);
}

TEST(SafeHtml, KeepsFormattingAndText) {
  EXPECT_EQ(body_of("<p>Bonjour <b>Madame</b>,<br>merci &amp; à bientôt</p>"),
            "<p>Bonjour <b>Madame</b>,<br>merci &amp; à bientôt</p>");
  EXPECT_EQ(body_of("<table border=1><tr><td colspan=2 style=\"color:red\">x</td></tr></table>"),
            "<table border=\"1\"><tr><td colspan=\"2\" style=\"color:red\">x</td></tr></table>");
}

TEST(SafeHtml, LeavesOutWhatCouldRun) {
  for (const char* attack :
       {"<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>", "<a href=\" java\tscript:alert(1)\">x</a>",
        "<iframe src=https://evil.test></iframe>", "<svg><script>alert(1)</script></svg>",
        "<object data=x></object>", "<form action=https://evil.test><input name=p></form>",
        "<div style=\"width:expression(alert(1))\">x</div>",
        "<style>@import url(https://evil.test/x.css)</style>",
        "<meta http-equiv=refresh content=\"0;url=https://evil.test\">",
        "<base href=https://evil.test/>", "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
        "<p onclick=alert(1)>x</p>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">"}) {
    const std::string out = safe_html(attack).html;
    EXPECT_EQ(out.find("alert"), std::string::npos) << attack << " → " << out;
    EXPECT_EQ(out.find("evil.test"), std::string::npos) << attack << " → " << out;
    EXPECT_EQ(out.find("<script"), std::string::npos) << attack;
  }
  EXPECT_EQ(body_of("<a href=\"https://service-public.fr\">lien</a>"),
            "<a href=\"https://service-public.fr\" target=\"_blank\" rel=\"noopener noreferrer\">"
            "lien</a>");
}

// A style never closed swallows the rest as its text: dropped whole (a
// browser reads a style element up to "</style", wherever it is).
TEST(SafeHtml, AStyleHoldingMarkupIsDropped) {
  const std::string out =
      safe_html("<style>p{}</style><style>x/head><body><img src=x onerror=alert(1)>").html;
  EXPECT_EQ(out.find("onerror"), std::string::npos) << out;
  EXPECT_NE(out.find("p{}"), std::string::npos) << out;
}

TEST(SafeHtml, RemoteImagesOnlyWhenAsked) {
  const std::string mail =
      "<img src=\"https://tracker.test/p.gif\" alt=\"logo\">"
      "<div style=\"background:url('https://tracker.test/b.png');color:blue\">x</div>";
  const SafeHtml kept_out = safe_html(mail);
  EXPECT_EQ(kept_out.remote_images, 2u);
  EXPECT_EQ(kept_out.html.find("tracker.test"), std::string::npos);
  EXPECT_NE(kept_out.html.find("alt=\"logo\""), std::string::npos);
  EXPECT_NE(kept_out.html.find("color:blue"), std::string::npos);
  HtmlOptions asked;
  asked.remote_images = true;
  const SafeHtml shown = safe_html(mail, asked);
  EXPECT_NE(shown.html.find("src=\"https://tracker.test/p.gif\""), std::string::npos);
  EXPECT_NE(shown.html.find("url('https://tracker.test/b.png')"), std::string::npos);
}

TEST(SafeHtml, InlineImagesFromTheMailItself) {
  HtmlOptions options;
  options.inline_image = [](std::string_view id) {
    return id == "logo@mairie" ? std::string("/api/v1/interactions/7/attachment?file=ab12")
                               : std::string();
  };
  EXPECT_EQ(body_of("<img src=\"cid:logo@mairie\"><img src=\"cid:other\">", options),
            "<img src=\"/api/v1/interactions/7/attachment?file=ab12\"><img>");
  EXPECT_EQ(body_of("<img src=\"data:image/png;base64,iVBORw0KGgo=\">"),
            "<img src=\"data:image/png;base64,iVBORw0KGgo=\">");
  EXPECT_EQ(body_of("<img src=\"data:text/html;base64,PHNjcmlwdD4=\">"), "<img>");
}

TEST(SafeHtml, BrokenMailStillReads) {
  EXPECT_EQ(body_of("<p>Bonjour<div>suite</p> fin"), "<p>Bonjour</p><div>suite fin</div>");
  EXPECT_EQ(body_of("texte seul"), "<p>texte seul</p>");
  EXPECT_EQ(body_of(""), "");
  std::string deep;
  for (int i = 0; i < 100000; ++i)
    deep += "<div>";
  EXPECT_FALSE(safe_html(deep).html.empty());  // libxml2 bounds the depth: no stack overflow
  EXPECT_EQ(body_of(std::string("<p>a\0b</p>", 10)).find('\0'), std::string::npos);
}

}  // namespace
}  // namespace guichet::email
