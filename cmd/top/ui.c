/* SPDX-License-Identifier: MIT */
/*
 * genv top: the full-screen view.  Each frame is drawn into stdscr and
 * written with one refresh(), so ncurses sends only what changed (no
 * flicker).  The loop sleeps in getch() until a key or the next sample;
 * nothing is redrawn between samples unless a key asks for it.
 *
 * The terminal is restored on every way out (q, signals, errors): the
 * screen is made with newterm() and torn down with endwin()+delscreen(),
 * so top can also run inside the REPL.
 *
 * Layer: cmd/top.  Calls ncurses, top.h (the model, top_sample from
 * cmd/top.c) and libcore/num.h.
 */
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curses.h>
#include "top.h"
#include "../../libcore/num.h"

enum { P_TITLE = 1, P_SEL, P_HOT, P_COLHDR, P_SORTHDR, P_ERR };
enum { PROMPT_NONE, PROMPT_FILTER, PROMPT_DELAY };

#define MIN_COLS	40
#define MIN_LINES	8
#define HEAD_LINES	5	/* title, totals, ports, view line, column header */

struct ui {
	struct top_state *st;
	enum top_view view, back;	/* back: where Esc / D returns */
	int sort[TOP_V__COUNT];
	bool rev[TOP_V__COUNT];
	uint32_t sel[TOP_V__COUNT], first[TOP_V__COUNT];
	int hcol[TOP_V__COUNT];		/* columns scrolled off to the left (Right/Left) */
	char filter[TOP_V__COUNT][64];
	uint32_t vni;			/* the VPC drilled into */
	bool paused, help, color;
	int prompt;
	char input[64];
	char msg[160];
	bool msg_err;
	uint32_t *ix;
	size_t ixcap;
	uint32_t nrows;
};

static volatile sig_atomic_t ui_stop;

static void on_signal(int sig)
{
	(void)sig;
	ui_stop = 1;
}

static attr_t attr_pair(const struct ui *u, int pair, attr_t fallback)
{
	return u->color ? (attr_t)COLOR_PAIR(pair) : fallback;
}

static void on(attr_t a)
{
	attron((int)a);
}

static void off(attr_t a)
{
	attroff((int)a);
}

static void ui_msg(struct ui *u, bool err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void ui_msg(struct ui *u, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof(u->msg), fmt, ap);
	va_end(ap);
	u->msg_err = err;
}

/* Sorted, filtered rows of the current view into u->ix. */
static int ui_rows(struct ui *u)
{
	const struct top_snap *s = &u->st->snap[u->st->cur];
	uint32_t n = top_nrows(s, u->view);

	if (n > u->ixcap) {
		uint32_t *p = realloc(u->ix, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		u->ix = p;
		u->ixcap = n;
	}
	u->nrows = top_rows(s, u->view, u->sort[u->view], u->rev[u->view], u->filter[u->view], u->ix);
	return 0;
}

/* Fetch the flows of u->vni now, into the newest snapshot (rates follow
 * at the next sample). */
static void ui_load_flows(struct ui *u)
{
	struct top_state *st = u->st;
	struct top_snap *cur = &st->snap[st->cur], *tmp = &st->snap[st->cur ^ 1], t;
	bool fresh;
	int ret;

	if (st->pcap)
		ret = top_pcap_snap(st->pcap, st->replay_ns, u->vni, tmp);
	else
		ret = top_router_sample(st->router, u->vni, tmp, &fresh, st->err, sizeof(st->err));
	if (ret) {
		ui_msg(u, true, "%s", st->pcap ? "out of memory" : st->err);
		return;
	}
	/* swap the flow arrays */
	t = *cur;
	cur->flow = tmp->flow, cur->nflow = tmp->nflow, cur->capflow = tmp->capflow;
	tmp->flow = t.flow, tmp->nflow = t.nflow, tmp->capflow = t.capflow;
	cur->flow_vni = u->vni;
	for (uint32_t i = 0; i < cur->nflow; i++) {
		cur->flow[i].pps = cur->flow[i].bps = 0;
		cur->flow[i].reset = true;
	}
}

/* s at (y, x), cut at the screen's edge only when it does not fit (its
 * trailing blanks aside), and then with "..." rather than mid-word. */
static void put_clip(int y, int x, const char *s)
{
	int n = (int)strlen(s), room = COLS - x;

	if (y < 0 || y >= LINES || x >= COLS)
		return;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n <= room) {
		mvaddnstr(y, x, s, n);
		return;
	}
	if (room <= 3) {
		mvaddnstr(y, x, "...", room);
		return;
	}
	mvaddnstr(y, x, s, room - 3);
	addstr("...");
}

static void draw_head(struct ui *u)
{
	const struct top_state *st = u->st;
	const struct top_snap *s = &st->snap[st->cur];
	char line[512], a[16], b[16], c[16], d[16], e[16], tb[16];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	localtime_r(&now, &tm);
	strftime(tb, sizeof(tb), "%H:%M:%S", &tm);
	snprintf(line, sizeof(line), "genv top - %s %s - %s - delay %.1fs%s", st->src.kind,
		 st->src.path, tb, st->o->delay, u->paused ? " - PAUSED" : "");
	on(attr_pair(u, P_TITLE, A_BOLD) | A_BOLD);
	put_clip(0, 0, line);
	off(attr_pair(u, P_TITLE, A_BOLD) | A_BOLD);

	top_fmt_si(a, sizeof(a), s->total_r.rx_pps);
	top_fmt_si(b, sizeof(b), s->total_r.rx_bps);
	top_fmt_si(c, sizeof(c), s->total_r.tx_pps);
	top_fmt_si(d, sizeof(d), s->total_r.tx_bps);
	top_fmt_si(e, sizeof(e), s->total_r.drops_ps);
	snprintf(line, sizeof(line), "Totals: %u vpcs  rx %s pkt/s %s bit/s  tx %s pkt/s %s bit/s  drops %s/s",
		 s->nvpc, a, b, c, d, e);
	put_clip(1, 0, line);

	if (st->pcap) {
		snprintf(line, sizeof(line), "Capture: %llu frames, %llu not Geneve, at %.1f s%s",
			 (unsigned long long)s->frames, (unsigned long long)s->other,
			 s->t_ns > s->start_ns ? (double)(s->t_ns - s->start_ns) / 1e9 : 0.0,
			 st->eof ? " - end of capture" : "");
		put_clip(2, 0, line);
	} else {
		n = snprintf(line, sizeof(line), "Ports:");
		if (!s->nport)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " none");
		for (uint32_t i = 0; i < s->nport && (size_t)n < sizeof(line); i++)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %s %s", s->port[i].name,
				      s->port[i].up < 0 ? "?" : s->port[i].up ? "up" : "DOWN");
		put_clip(2, 0, line);
	}

	if (u->view == TOP_V_VPC)
		n = snprintf(line, sizeof(line), "[VPCs]  Drops (D)");
	else if (u->view == TOP_V_FLOW)
		n = snprintf(line, sizeof(line), "VPC %u flows: %u  (Esc back)", u->vni, s->nflow);
	else
		n = snprintf(line, sizeof(line), "VPCs  [Drops]  (Esc back)");
	n += snprintf(line + n, sizeof(line) - (size_t)n, "   sort %s%s",
		      top_cols[u->view][u->sort[u->view]].title, u->rev[u->view] ? " (reversed)" : "");
	if (u->filter[u->view][0])
		snprintf(line + n, sizeof(line) - (size_t)n, "   filter '%s': %u rows",
			 u->filter[u->view], u->nrows);
	put_clip(3, 0, line);
}

static void draw_table(struct ui *u)
{
	const struct top_snap *s = &u->st->snap[u->st->cur];
	enum top_view v = u->view;
	int rows = LINES - HEAD_LINES - 1, x = 0, skip = 0;
	struct sbuf line = SBUF_INIT;

	/* horizontal scroll: whole columns */
	for (int c = 0; c < u->hcol[v] && c < top_ncols(v); c++)
		skip += (top_cols[v][c].width < 0 ? -top_cols[v][c].width : top_cols[v][c].width) + 1;
	x = -skip;

	/* column header, the sort column highlighted */
	on(attr_pair(u, P_COLHDR, A_REVERSE));
	move(4, 0);
	clrtoeol();
	mvhline(4, 0, ' ', COLS);
	for (int c = 0; c < top_ncols(v); c++) {
		const struct top_col *col = &top_cols[v][c];
		int w = col->width < 0 ? -col->width : col->width;

		if (c == u->sort[v]) {
			off(attr_pair(u, P_COLHDR, A_REVERSE));
			on(attr_pair(u, P_SORTHDR, A_BOLD | A_UNDERLINE) | A_BOLD);
		}
		if (x >= 0 && x < COLS && (int)strlen(col->title) > COLS - x)
			put_clip(4, x, col->title);	/* the title itself cut: with "..." */
		else if (x >= 0 && x < COLS)
			mvprintw(4, x, col->width < 0 ? "%-*.*s" : "%*.*s", w,
				 w < COLS - x ? w : COLS - x, col->title);
		if (c == u->sort[v]) {
			off(attr_pair(u, P_SORTHDR, A_BOLD | A_UNDERLINE) | A_BOLD);
			on(attr_pair(u, P_COLHDR, A_REVERSE));
		}
		x += w + 1;
	}
	off(attr_pair(u, P_COLHDR, A_REVERSE));

	if (u->sel[v] >= u->nrows)
		u->sel[v] = u->nrows ? u->nrows - 1 : 0;
	if (u->sel[v] < u->first[v])
		u->first[v] = u->sel[v];
	if (rows > 0 && u->sel[v] >= u->first[v] + (uint32_t)rows)
		u->first[v] = u->sel[v] - (uint32_t)rows + 1;
	if (u->first[v] + (uint32_t)(rows > 0 ? rows : 0) > u->nrows)
		u->first[v] = u->nrows > (uint32_t)rows ? u->nrows - (uint32_t)rows : 0;
	for (int r = 0; r < rows && u->first[v] + (uint32_t)r < u->nrows; r++) {
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): nrows <= ixcap (ui_rows) */
		uint32_t i = u->first[v] + (uint32_t)r, row = u->ix[i];
		bool hot = (v == TOP_V_VPC && s->vpc[row].r.drops_ps > 0) ||
			   (v == TOP_V_DROP && s->drop[row].rate > 0);
		attr_t a = i == u->sel[v] ? attr_pair(u, P_SEL, A_REVERSE) :
			hot ? attr_pair(u, P_HOT, A_BOLD) : (attr_t)A_NORMAL;

		sbuf_reset(&line);
		top_row_text_wide(s, v, row, true, &line);
		on(a);
		if (i == u->sel[v])
			mvhline(HEAD_LINES + r, 0, ' ', COLS);
		put_clip(HEAD_LINES + r, 0, line.len > (size_t)skip ? line.buf + skip : "");
		off(a);
	}
	if (!u->nrows)
		put_clip(HEAD_LINES, 0, u->filter[v][0] ? "(no row matches the filter)" :
			 v == TOP_V_FLOW ? "(no flows in this VPC)" :
			 v == TOP_V_DROP ? "(no drops)" : "(no VPCs)");
	sbuf_free(&line);
}

static void draw_foot(struct ui *u)
{
	int y = LINES - 1;

	move(y, 0);
	clrtoeol();
	if (u->prompt) {
		char line[128];

		snprintf(line, sizeof(line), "%s%s", u->prompt == PROMPT_FILTER ?
			 "filter (Enter apply, Esc cancel): " : "delay in seconds: ", u->input);
		put_clip(y, 0, line);
		curs_set(1);
		return;
	}
	curs_set(0);
	if (u->msg[0]) {
		if (u->msg_err)
			on(attr_pair(u, P_ERR, A_BOLD) | A_BOLD);
		put_clip(y, 0, u->msg);
		if (u->msg_err)
			off(attr_pair(u, P_ERR, A_BOLD) | A_BOLD);
		return;
	}
	on(A_DIM);
	put_clip(y, 0, u->view == TOP_V_VPC ?
		 "q quit  Enter flows  D drops  s/</> sort  / filter  d delay  p pause  h help" :
		 "q quit  Esc back  D drops  s/</> sort  / filter  d delay  p pause  h help");
	off(A_DIM);
}

static const char *const help_text[] = {
	"genv top - keys",
	"",
	"  q            quit",
	"  Enter        show the flows of the selected VPC",
	"  Esc          back to the VPCs",
	"  Right Left   scroll the columns (Left at the first: back)",
	"  D, Tab       drops by reason (again: back)",
	"  s  >         sort by the next column",
	"  <            sort by the previous column",
	"  r            reverse the sort order",
	"  /            filter rows (text anywhere in the row)",
	"  d            change the refresh delay",
	"  p, Space     pause / resume",
	"  Up Down PgUp PgDn Home End   move",
	"  Ctrl-L       redraw",
	"  h, ?         this help",
	"",
	"  any key closes this help",
};

static void draw_help(struct ui *u)
{
	int n = (int)(sizeof(help_text) / sizeof(help_text[0])), w = 0;
	int h, y0, x0;

	for (int i = 0; i < n; i++)
		if ((int)strlen(help_text[i]) > w)
			w = (int)strlen(help_text[i]);
	w += 4;
	h = n + 2;
	if (w > COLS)
		w = COLS;
	if (h > LINES)
		h = LINES;
	y0 = (LINES - h) / 2;
	x0 = (COLS - w) / 2;
	on(attr_pair(u, P_TITLE, A_NORMAL));
	for (int y = 0; y < h; y++)
		mvhline(y0 + y, x0, ' ', w);
	off(attr_pair(u, P_TITLE, A_NORMAL));
	for (int i = 0; i < n && i + 1 < h - 1; i++)
		mvaddnstr(y0 + 1 + i, x0 + 2, help_text[i], w - 3);
	if (w >= 2 && h >= 2) {
		mvaddch(y0, x0, ACS_ULCORNER);
		mvaddch(y0, x0 + w - 1, ACS_URCORNER);
		mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
		mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
		mvhline(y0, x0 + 1, ACS_HLINE, w - 2);
		mvhline(y0 + h - 1, x0 + 1, ACS_HLINE, w - 2);
		mvvline(y0 + 1, x0, ACS_VLINE, h - 2);
		mvvline(y0 + 1, x0 + w - 1, ACS_VLINE, h - 2);
	}
}

static void draw(struct ui *u)
{
	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		char line[64];
		int y = 0;

		/* the longest form that fits; then one word a line */
		snprintf(line, sizeof(line), "terminal too small (%dx%d, need %dx%d)", COLS, LINES,
			 MIN_COLS, MIN_LINES);
		if ((int)strlen(line) > COLS)
			snprintf(line, sizeof(line), "too small: %dx%d, need %dx%d", COLS, LINES,
				 MIN_COLS, MIN_LINES);
		if ((int)strlen(line) <= COLS) {
			put_clip(y++, 0, line);
		} else {
			char nb[16];

			snprintf(nb, sizeof(nb), "%dx%d", MIN_COLS, MIN_LINES);
			put_clip(y++, 0, "too small:");
			put_clip(y++, 0, "need");
			put_clip(y++, 0, nb);
		}
		put_clip(y, 0, "q quits");
		refresh();
		return;
	}
	if (ui_rows(u)) {
		ui_msg(u, true, "out of memory");
		u->nrows = 0;
	}
	draw_head(u);
	draw_table(u);
	draw_foot(u);
	if (u->help)
		draw_help(u);
	refresh();
}

static void enter_view(struct ui *u, enum top_view v)
{
	if (v == TOP_V_FLOW) {
		u->sel[v] = u->first[v] = 0;
		ui_load_flows(u);
	} else if (u->view == TOP_V_FLOW && v == TOP_V_VPC) {
		u->vni = TOP_NO_VNI;
	}
	u->view = v;
}

static void prompt_done(struct ui *u, bool apply)
{
	if (apply && u->prompt == PROMPT_FILTER) {
		snprintf(u->filter[u->view], sizeof(u->filter[u->view]), "%s", u->input);
		u->sel[u->view] = u->first[u->view] = 0;
	} else if (apply && u->prompt == PROMPT_DELAY) {
		double d;

		if (num_parse_double(u->input, 0.1, 3600, &d))
			ui_msg(u, true, "delay: '%s' is not a number of seconds from 0.1 to 3600", u->input);
		else
			u->st->o->delay = d;
	}
	u->prompt = PROMPT_NONE;
	u->input[0] = 0;
}

static void prompt_key(struct ui *u, int ch)
{
	size_t n = strlen(u->input);

	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		prompt_done(u, true);
	} else if (ch == 27) {
		prompt_done(u, false);
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (n)
			u->input[n - 1] = 0;
	} else if (ch == 21) {		/* Ctrl-U */
		u->input[0] = 0;
	} else if (ch >= 32 && ch < 127 && n + 1 < sizeof(u->input)) {
		u->input[n] = (char)ch;
		u->input[n + 1] = 0;
	}
}

/* One key.  Returns false to quit. */
static bool key(struct ui *u, int ch)
{
	enum top_view v = u->view;
	int ncol = top_ncols(v), page = LINES - HEAD_LINES - 1;

	if (page < 1)
		page = 1;
	if (u->prompt) {
		prompt_key(u, ch);
		return true;
	}
	if (u->help) {
		u->help = false;
		return ch != 'q' && ch != 'Q' ? true : false;
	}
	u->msg[0] = 0;
	switch (ch) {
	case 'q':
	case 'Q':
		return false;
	case 'h':
	case '?':
		u->help = true;
		break;
	case KEY_UP:
	case 'k':
		if (u->sel[v])
			u->sel[v]--;
		break;
	case KEY_DOWN:
	case 'j':
		if (u->sel[v] + 1 < u->nrows)
			u->sel[v]++;
		break;
	case KEY_PPAGE:
		u->sel[v] = u->sel[v] > (uint32_t)page ? u->sel[v] - (uint32_t)page : 0;
		break;
	case KEY_NPAGE:
		u->sel[v] += (uint32_t)page;
		if (u->sel[v] >= u->nrows)
			u->sel[v] = u->nrows ? u->nrows - 1 : 0;
		break;
	case KEY_HOME:
	case 'g':
		u->sel[v] = 0;
		break;
	case KEY_END:
	case 'G':
		u->sel[v] = u->nrows ? u->nrows - 1 : 0;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (v == TOP_V_VPC && u->sel[v] < u->nrows) {
			/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): nrows <= ixcap (ui_rows) */
			u->vni = u->st->snap[u->st->cur].vpc[u->ix[u->sel[v]]].vni;
			enter_view(u, TOP_V_FLOW);
		}
		break;
	case KEY_RIGHT: {
		int rest = 0;	/* width of what is on screen from the first shown column */

		for (int c = u->hcol[v]; c < ncol; c++)
			rest += (top_cols[v][c].width < 0 ? -top_cols[v][c].width : top_cols[v][c].width) + 1;
		/* no further once the last column is on screen */
		if (u->hcol[v] + 1 < ncol && rest - 1 > COLS)
			u->hcol[v]++;
		break;
	}
	case KEY_LEFT:
	case 27:
	case KEY_BACKSPACE:
		if (ch == KEY_LEFT && u->hcol[v] > 0)
			u->hcol[v]--;		/* at the first column, Left goes back */
		else if (v == TOP_V_DROP)
			enter_view(u, u->back);
		else if (v == TOP_V_FLOW)
			enter_view(u, TOP_V_VPC);
		break;
	case 'D':
	case '\t':
		if (v == TOP_V_DROP) {
			enter_view(u, u->back);
		} else {
			u->back = v;
			enter_view(u, TOP_V_DROP);
		}
		break;
	case 's':
	case '>':
		u->sort[v] = (u->sort[v] + 1) % ncol;
		break;
	case '<':
		u->sort[v] = (u->sort[v] + ncol - 1) % ncol;
		break;
	case 'r':
		u->rev[v] = !u->rev[v];
		break;
	case '/':
		/* a new filter starts empty: typing replaces the current one */
		u->prompt = PROMPT_FILTER;
		u->input[0] = 0;
		break;
	case 'd':
		u->prompt = PROMPT_DELAY;
		u->input[0] = 0;
		break;
	case 'p':
	case ' ':
		u->paused = !u->paused;
		break;
	case 12:	/* Ctrl-L */
		clearok(curscr, TRUE);
		break;
	case KEY_RESIZE:
		break;
	}
	return true;
}

static void colors_init(struct ui *u)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	enum color_mode m = u->st->g->color_mode;

	if (term && !strcmp(term, "dumb"))
		nc = "dumb";	/* as NO_COLOR: --color=always still colours */

	u->color = m != COLOR_NEVER && !(nc && *nc && m != COLOR_ALWAYS) && has_colors();
	if (!u->color)
		return;
	start_color();
	use_default_colors();
	init_pair(P_TITLE, COLOR_CYAN, -1);
	init_pair(P_SEL, COLOR_BLACK, COLOR_CYAN);
	init_pair(P_HOT, COLOR_RED, -1);
	init_pair(P_COLHDR, COLOR_BLACK, COLOR_GREEN);
	init_pair(P_SORTHDR, COLOR_BLACK, COLOR_YELLOW);
	init_pair(P_ERR, COLOR_RED, -1);
}

static void restore_locale(char *old)
{
	if (old)
		setlocale(LC_CTYPE, old);
	free(old);
}

int top_screen(struct top_state *st)
{
	struct sigaction sa, old_int, old_term, old_hup;
	struct ui u;
	SCREEN *scr;
	uint64_t next;
	bool quit = false;
	char *old_locale;

	memset(&u, 0, sizeof(u));
	u.st = st;
	u.view = TOP_V_VPC;
	u.back = TOP_V_VPC;
	u.vni = TOP_NO_VNI;
	u.sort[TOP_V_VPC] = st->o->sort_col;
	u.rev[TOP_V_VPC] = st->o->reverse;
	u.sort[TOP_V_FLOW] = 3;		/* packets */
	u.sort[TOP_V_DROP] = 1;		/* count */

	/* the first sample before the screen: a router that cannot be
	 * reached is an error on stderr, not a blank screen */
	if (st->router && top_sample(st, 0, TOP_NO_VNI)) {
		gerr(st->g, "%s", st->err);
		return EXIT_FAIL;
	}
	fflush(st->g->out);
	/* the terminal's character set (line drawing), restored on the way out */
	old_locale = setlocale(LC_CTYPE, NULL);
	old_locale = old_locale ? strdup(old_locale) : NULL;
	setlocale(LC_CTYPE, "");
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		restore_locale(old_locale);
		gerr(st->g, "cannot start the screen (TERM='%s')", getenv("TERM") ? getenv("TERM") : "");
		return EXIT_FAIL;
	}
	set_term(scr);
	ui_stop = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	colors_init(&u);

	if (st->o->vni != TOP_NO_VNI) {
		u.vni = st->o->vni;
		enter_view(&u, TOP_V_FLOW);
	}
	/* the first sample after one delay (a capture plays at its own speed) */
	next = top_mono_ns();
	if (!st->o->fast)
		next += (uint64_t)(st->o->delay * 1e9);
	for (;;) {
		uint64_t now = top_mono_ns();
		int ch, wait_ms;

		if (quit || ui_stop || (st->g->interrupted && *st->g->interrupted))
			break;
		if (!u.paused && !st->eof && now >= next) {
			int r = top_sample(st, (uint64_t)(st->o->delay * 1e9), u.vni);

			if (r < 0)
				ui_msg(&u, true, "%s", st->err);
			else if (!st->router && st->eof)
				ui_msg(&u, false, "end of capture - q quits");
			else if (u.msg_err)
				u.msg[0] = 0;
			next = st->pcap && st->o->fast ? now : now + (uint64_t)(st->o->delay * 1e9);
		}
		draw(&u);
		if (u.paused || st->eof)
			wait_ms = 1000;
		else
			wait_ms = next > now ? (int)((next - now) / 1000000) + 1 : 0;
		if (wait_ms > 1000)
			wait_ms = 1000;
		timeout(wait_ms);
		ch = getch();
		if (ch == ERR)
			continue;
		if (!key(&u, ch))
			break;
		/* take every key already typed before drawing again */
		timeout(0);
		while ((ch = getch()) != ERR)
			if (!key(&u, ch)) {
				quit = true;
				break;
			}
	}
	curs_set(1);
	endwin();
	delscreen(scr);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	restore_locale(old_locale);
	if (ui_stop && st->g->interrupted)
		*st->g->interrupted = 1;
	free(u.ix);
	return EXIT_OK;
}
