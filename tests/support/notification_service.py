#!/usr/bin/python3
"""A stand-in for the desktop's notification service (org.freedesktop.Notifications), for the
desktop tests: it owns the name on the session bus in DBUS_SESSION_BUS_ADDRESS (the test's
private bus) and appends each notification it is asked to show to the file named by its one
argument, as a line of JSON. It prints "ready" once it owns the name. A test clicks a
notification by calling its org.broadsheet.Test.Click(id): the service then says so as a real
one does, with the ActionInvoked signal for the "default" action."""

import json
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

INTERFACE = "org.freedesktop.Notifications"


class Notifications(dbus.service.Object):
    def __init__(self, bus, record):
        super().__init__(bus, "/org/freedesktop/Notifications")
        self.record = record
        self.last_id = 0

    @dbus.service.method(INTERFACE, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints, timeout):
        self.last_id += 1
        with open(self.record, "a", encoding="utf-8") as out:
            out.write(json.dumps({
                "app_name": str(app_name),
                "summary": str(summary),
                "body": str(body),
                "actions": [str(a) for a in actions],
            }) + "\n")
        return self.last_id

    @dbus.service.method(INTERFACE, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["body", "actions"]

    @dbus.service.method(INTERFACE, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("broadsheet-test", "broadsheet", "1", "1.2")

    @dbus.service.method(INTERFACE, in_signature="u", out_signature="")
    def CloseNotification(self, notification_id):
        pass

    @dbus.service.signal(INTERFACE, signature="us")
    def ActionInvoked(self, notification_id, action_key):
        pass

    @dbus.service.method("org.broadsheet.Test", in_signature="u", out_signature="")
    def Click(self, notification_id):
        self.ActionInvoked(notification_id, "default")


def main():
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    service = Notifications(bus, sys.argv[1])
    name = dbus.service.BusName(INTERFACE, bus, do_not_queue=True)
    print("ready", flush=True)
    GLib.MainLoop().run()
    del service, name


if __name__ == "__main__":
    main()
