package com.drresponder.notify;

/** Sends incident status updates to people. */
public interface Notifier {
    void send(Notification notification);
}
