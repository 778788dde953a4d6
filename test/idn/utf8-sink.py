#!/usr/bin/python3
# utf8-sink.py - a minimal SMTP sink that announces SMTPUTF8 (Postfix's
# smtp-sink does not, and Postfix's SMTP client will not hand a UTF-8 local
# part to a server that does not).  Usage: utf8-sink.py PORT DIR.  Listens
# on 127.0.0.1:PORT; each transaction becomes one file in DIR with
# smtp-sink's "X-Mail-From:" and "X-Rcpt-Args: <rcpt> ARGS" lines, so
# test/lib/postfix.sh's sink_rcpts and sinks_of read it.  Runs until killed.
import os
import socketserver
import sys


class Handler(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def data(self):
        lines = []
        while True:
            line = self.rfile.readline()
            if not line or line.rstrip(b"\r\n") == b".":
                return lines
            lines.append(line)

    def save(self, sender, rcpts, body):
        self.server.count += 1
        name = os.path.join(self.server.dir, f"{os.getpid()}.{self.server.count}")
        with open(name + ".tmp", "wb") as out:
            out.write(b"X-Mail-From: " + sender + b"\n")
            for rcpt in rcpts:
                out.write(b"X-Rcpt-Args: " + rcpt + b"\n")
            out.writelines(body)
        os.rename(name + ".tmp", name)

    def handle(self):
        self.reply("220 utf8-sink ESMTP")
        sender, rcpts = b"", []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            line = line.rstrip(b"\r\n")
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250-utf8-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 ENHANCEDSTATUSCODES")
            elif verb == b"MAIL":
                sender, rcpts = line[10:], []
                self.reply("250 2.1.0 Ok")
            elif verb == b"RCPT":
                rcpts.append(line[8:])
                self.reply("250 2.1.5 Ok")
            elif verb == b"DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                self.save(sender, rcpts, self.data())
                self.reply("250 2.0.0 Ok: queued")
            elif verb == b"QUIT":
                self.reply("221 2.0.0 Bye")
                return
            elif verb in (b"RSET", b"NOOP"):
                self.reply("250 2.0.0 Ok")
            else:
                self.reply("502 5.5.2 Error: command not recognized")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


if __name__ == "__main__":
    server = Server(("127.0.0.1", int(sys.argv[1])), Handler)
    server.dir, server.count = sys.argv[2], 0
    server.serve_forever()
